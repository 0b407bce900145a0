/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The record both halves agree on: one per entry into, or exit from, an unlink. */
#ifndef KPROBE_UNLINK_H
#define KPROBE_UNLINK_H

#define TASK_COMM_LEN 16
#define NAME_LEN      256

enum event_kind { EV_ENTRY = 1, EV_EXIT = 2 };

struct event {
	__u32 kind; /* enum event_kind */
	__u32 pid;  /* tgid: what user space calls the PID */
	__s32 ret;  /* EV_EXIT: 0 or -errno */
	char comm[TASK_COMM_LEN];
	char filename[NAME_LEN]; /* EV_ENTRY: the path as the caller passed it */
};

#endif
