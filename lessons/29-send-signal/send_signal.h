/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared by both halves of lesson 29. */
#ifndef SEND_SIGNAL_H
#define SEND_SIGNAL_H

#define TASK_COMM_LEN 16
#define MAX_PATH      256

enum trigger {
	TRIGGER_PTRACE = 0,
	TRIGGER_OPEN = 1,
};

/* One signal sent (or attempted): who, why, and what the helper said. */
struct event {
	int pid; /* thread-group id: the process */
	int tid;
	int sig;
	int ret;  /* bpf_send_signal(): 0, or a negative errno */
	long arg; /* ptrace: the request; open: 0 */
	int trigger;
	char comm[TASK_COMM_LEN];
	char path[MAX_PATH]; /* open: the file name as passed */
};

#endif
