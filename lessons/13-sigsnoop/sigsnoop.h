/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The record both halves agree on: one kill() call, entry and result. */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	__u32 pid;  /* sender: thread-group id, what ps calls PID */
	__s32 tpid; /* kill()'s first argument: target PID (or group) */
	__s32 sig;  /* kill()'s second argument */
	__s32 ret;  /* kill()'s return value: 0 or -errno */
	char comm[TASK_COMM_LEN];
};

#endif
