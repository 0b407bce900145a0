/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per line readline() returned. */
#ifndef UPROBE_BASHREADLINE_H
#define UPROBE_BASHREADLINE_H

#define TASK_COMM_LEN 16
#define LINE_LEN      480

struct event {
	__u32 pid; /* tgid of the shell */
	char comm[TASK_COMM_LEN];
	char line[LINE_LEN]; /* what was typed, without the newline */
};

#endif
