/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The event both halves agree on: one per exec() and one per process exit. */
#ifndef BOOTSTRAP_H
#define BOOTSTRAP_H

#define TASK_COMM_LEN	 16
#define MAX_FILENAME_LEN 127

struct event {
	int pid;
	int ppid;
	unsigned int exit_code;		/* raw wait status: code << 8 | signal */
	unsigned long long duration_ns; /* exec -> exit; 0 when exec was before us */
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME_LEN];
	unsigned char exit_event; /* 0: EXEC, 1: EXIT */
};

#endif
