/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per entry into, or exit from, an unlink. */
#ifndef FENTRY_UNLINK_H
#define FENTRY_UNLINK_H

#define TASK_COMM_LEN 16
#define NAME_LEN      256

enum event_kind { EV_ENTRY = 1, EV_EXIT = 2 };

struct event {
	__u32 kind; /* enum event_kind */
	__u32 pid;  /* tgid */
	__s32 ret;  /* EV_EXIT: 0 or -errno */
	char comm[TASK_COMM_LEN];
	char filename[NAME_LEN]; /* EV_ENTRY; EV_EXIT too where the hook knows it */
};

#endif
