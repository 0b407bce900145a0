/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One execve() call, as the kernel half puts it in the ring buffer. */
#ifndef RINGBUFFER_H
#define RINGBUFFER_H

#define TASK_COMM_LEN 16
#define FILENAME_LEN  64

struct event {
	__u32 pid;		     /* the caller's PID (tgid) */
	char comm[TASK_COMM_LEN];    /* the caller's name: the exec has not happened yet */
	char filename[FILENAME_LEN]; /* what it asked to run */
};

#endif
