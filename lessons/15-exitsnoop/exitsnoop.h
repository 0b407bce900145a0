/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One process exit, as the kernel half reports it. */
#ifndef EXITSNOOP_H
#define EXITSNOOP_H

#define TASK_COMM_LEN 16

struct event {
	__u64 lifetime_ns; /* from fork to exit */
	__u32 pid;
	__u32 ppid;
	__u32 exit_code; /* task->exit_code: (status << 8) | signal */
	char comm[TASK_COMM_LEN];
};

#endif
