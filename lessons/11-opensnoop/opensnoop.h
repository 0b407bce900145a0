/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What the kernel half sends per completed openat(). */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define TASK_COMM_LEN 16
#define NAME_LEN      256
/* The UID filter's "none": (uid_t)-1, which no user can have. */
#define INVALID_UID   0xffffffffU

struct event {
	__u32 pid;   /* tgid */
	__u32 uid;   /* real UID of the caller */
	__s32 flags; /* open(2) flags as passed: O_WRONLY|O_CREAT|... */
	__s32 ret;   /* new fd, or -errno */
	char comm[TASK_COMM_LEN];
	char fname[NAME_LEN];
};

#endif
