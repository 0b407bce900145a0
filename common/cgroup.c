// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cgroup v2 directories for cgroup-attaching loaders: see cgroup.h. */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "helpers.h"
#include "cgroup.h"

/* Go: detectCgroupPath() reads /proc/mounts for the cgroup2 line. */
int lesson_cgroup2_mount(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
			err = 0;
			break;
		}
	}
	endmntent(f);
	return err;
}

bool lesson_is_cgroup2(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

const char *lesson_arg_cgroup(struct argp_state *state, const char *arg)
{
	if (!*arg || strlen(arg) >= PATH_MAX - 1)
		argp_error(state, "invalid cgroup '%s': want a path", arg);
	return arg;
}

int lesson_cgroup_open(struct lesson_cgroup *cg, const char *dir, const char *name)
{
	int err;

	cg->fd = -1;
	cg->created = false;
	if (dir) {
		snprintf(cg->path, sizeof(cg->path), "%s", dir);
	} else {
		/* Room left for "/name". */
		err = lesson_cgroup2_mount(cg->path, sizeof(cg->path) - 32);
		if (err)
			return lesson_fail(err, "finding the cgroup2 mount in /proc/mounts");
		snprintf(cg->path + strlen(cg->path), sizeof(cg->path) - strlen(cg->path), "/%s",
			 name);
	}
	if (mkdir(cg->path, 0755) == 0)
		cg->created = true;
	else if (errno != EEXIST)
		return lesson_fail(-errno, "creating cgroup %s", cg->path);
	if (!lesson_is_cgroup2(cg->path))
		return lesson_error("%s is not a cgroup v2 directory", cg->path);
	cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->fd < 0)
		return lesson_fail(-errno, "opening %s", cg->path);
	return 0;
}

void lesson_cgroup_close(struct lesson_cgroup *cg)
{
	if (cg->fd >= 0)
		close(cg->fd);
	cg->fd = -1;
	if (cg->created && rmdir(cg->path))
		lesson_error("warning: cannot remove cgroup %s: %s", cg->path, strerror(errno));
	cg->created = false;
}

/* The cgroup's members were lent: give each back to the parent cgroup. */
int lesson_cgroup_move_out(const char *path)
{
	char procs[PATH_MAX], parent[PATH_MAX], line[32], *slash, *end;
	FILE *in, *out;
	long pid;

	if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", path) >= (int)sizeof(procs))
		return -1;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	strncat(parent, "/cgroup.procs", sizeof(parent) - strlen(parent) - 1);
	in = fopen(procs, "r");
	/* One PID a line. */
	while (in && fgets(line, sizeof(line), in)) {
		pid = strtol(line, &end, 10);
		if (end == line)
			break;
		out = fopen(parent, "w");
		if (out) {
			fprintf(out, "%ld\n", pid);
			fclose(out);
		}
	}
	if (in)
		fclose(in);
	return 0;
}
