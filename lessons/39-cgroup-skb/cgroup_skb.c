// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 39 loader: attach count_egress_packets to a cgroup v2 and print
 * the count once a second.  The cgroup is -c PATH, or a new one under the
 * cgroup2 mount; a cgroup the loader created it removes on exit.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "helpers.h"
#include "cgroup_skb.skel.h"

static const char *cg_arg;

static const struct argp_option opts[] = {
	{ "cgroup", 'c', "PATH", 0,
	  "cgroup v2 directory to watch; created (and removed at exit) if missing "
	  "(default: CGROUP2_MOUNT/cgroup_skb-lesson)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		if (!*arg || strlen(arg) >= PATH_MAX - 1)
			argp_error(state, "invalid cgroup '%s': want a path", arg);
		cg_arg = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count the packets the processes of a cgroup v2 send (cgroup_skb/egress).\v"
	       "Move a shell into it:  echo $$ > CGROUP/cgroup.procs",
	.children = lesson_argp_children,
};

/* Go: detectCgroupPath() reads /proc/mounts for the cgroup2 line. */
static int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = setmntent("/proc/mounts", "r");
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

static bool is_cgroup2(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == CGROUP2_SUPER_MAGIC;
}

int main(int argc, char **argv)
{
	struct cgroup_skb_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	char path[PATH_MAX];
	bool created = false;
	int err, cgfd = -1;
	__u32 key = 0;
	__u64 count;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	if (cg_arg) {
		snprintf(path, sizeof(path), "%s", cg_arg);
	} else {
		err = cgroup2_mount(path, sizeof(path) - 32);
		if (err)
			return lesson_fail(err, "finding the cgroup2 mount in /proc/mounts");
		strcat(path, "/cgroup_skb-lesson");
	}
	/* A new cgroup is a mkdir inside the cgroup2 filesystem. */
	if (mkdir(path, 0755) == 0)
		created = true;
	else if (errno != EEXIST)
		return lesson_fail(-errno, "creating cgroup %s", path);
	if (!is_cgroup2(path)) {
		err = lesson_error("%s is not a cgroup v2 directory", path);
		goto cleanup;
	}
	cgfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		err = lesson_fail(-errno, "opening %s", path);
		goto cleanup;
	}

	skel = cgroup_skb_bpf__open_and_load();
	if (!skel) {
		err = lesson_fail(-errno, "loading BPF object");
		goto cleanup;
	}
	/* Go: link.AttachCgroup(link.CgroupOptions{Path, Attach: ebpf.AttachCGroupInetEgress}) */
	link = bpf_program__attach_cgroup(skel->progs.count_egress_packets, cgfd);
	if (!link) {
		err = lesson_fail(-errno, "attaching to cgroup %s", path);
		goto cleanup;
	}
	printf("Counting egress packets of cgroup %s (%s). Ctrl-C to stop.\n", path,
	       created ? "new" : "existing");

	while (!lesson_should_stop()) {
		sleep(1);
		err = bpf_map__lookup_elem(skel->maps.pkt_count, &key, sizeof(key), &count,
					   sizeof(count), 0);
		if (err) {
			err = lesson_fail(err, "reading pkt_count");
			break;
		}
		printf("number of packets: %llu\n", (unsigned long long)count);
	}

cleanup:
	bpf_link__destroy(link);
	cgroup_skb_bpf__destroy(skel);
	if (cgfd >= 0)
		close(cgfd);
	/* rmdir fails while processes are still inside: say so, keep it. */
	if (created && rmdir(path))
		lesson_error("warning: cannot remove cgroup %s: %s", path, strerror(errno));
	return err;
}
