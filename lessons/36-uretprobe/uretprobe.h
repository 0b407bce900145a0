/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One return of the probed function. */
#ifndef URETPROBE_H
#define URETPROBE_H

#define TASK_COMM_LEN 16
#define STR_LEN	      80 /* the ebpf-go example's line[80] */

struct event {
	__u64 ret; /* the whole return register: user space picks the type */
	__u32 pid;
	__u32 str_len; /* > 0: str holds the string ret points to */
	char comm[TASK_COMM_LEN];
	char str[STR_LEN];
};

#endif
