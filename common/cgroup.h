/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cgroup v2 directories for the loaders that attach to a cgroup (lessons 30,
 * 39, 42): find the cgroup2 mount, check a path is on it, the -c PATH
 * create-or-use pattern with its removal at exit, and moving lent processes
 * back out of a cgroup the loader made.  Attaching stays in each lesson.
 */
#ifndef LESSON_CGROUP_H
#define LESSON_CGROUP_H

#include <argp.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The first cgroup2 mount in /proc/self/mounts into buf; 0, or -errno (-ENOENT: none). */
int lesson_cgroup2_mount(char *buf, size_t len);

/* Is path a directory on a cgroup v2 filesystem? */
bool lesson_is_cgroup2(const char *path);

/*
 * -c PATH in an argp parser: any non-empty path short enough to build on;
 * else "invalid cgroup 'ARG': want a path" (exit 64).  Returns arg.
 */
const char *lesson_arg_cgroup(struct argp_state *state, const char *arg);

/* A cgroup opened by lesson_cgroup_open(); start with { .fd = -1 }. */
struct lesson_cgroup {
	char path[PATH_MAX];
	int fd;	      /* O_RDONLY | O_DIRECTORY, what attach_cgroup wants */
	bool created; /* we made it: lesson_cgroup_close() removes it */
};

/*
 * Create-or-use: dir (-c PATH), or CGROUP2_MOUNT/name when dir is NULL; made
 * (a new cgroup is a mkdir on cgroup2) unless it exists, checked to be
 * cgroup v2, opened.  Returns 0, or 1 after printing one line; call
 * lesson_cgroup_close() either way.
 */
int lesson_cgroup_open(struct lesson_cgroup *cg, const char *dir, const char *name);

/*
 * Close the fd; remove the cgroup if we created it.  rmdir fails while
 * processes are still inside: say so ("warning: cannot remove cgroup"), keep it.
 */
void lesson_cgroup_close(struct lesson_cgroup *cg);

/*
 * Move every process in the cgroup at path to its parent cgroup, so that a
 * cgroup we made and lent to processes can be removed.  Returns 0, or -1
 * (nothing moved) when path is too long to name its cgroup.procs.
 */
int lesson_cgroup_move_out(const char *path);

#endif
