/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One execve() call, as the kernel half sends it to the loader. */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define TASK_COMM_LEN 16
#define MAX_ARGS      20  /* argv entries we copy; more are marked "..." */
#define ARG_LEN	      128 /* longest single argument we copy */
#define ARGS_SIZE     (MAX_ARGS * ARG_LEN)

struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 retval; /* execve()'s result: 0 or -errno */
	__u32 args_count;
	__u32 args_size; /* bytes used in args */
	__u32 truncated; /* argv had more than MAX_ARGS entries */
	char comm[TASK_COMM_LEN];
	char args[ARGS_SIZE]; /* argv strings, each with its '\0' */
};

#endif
