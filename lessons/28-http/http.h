/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared by both halves of lesson 28. */
#ifndef HTTP_H
#define HTTP_H

#define TASK_COMM_LEN 16
#define MAX_DATA      256 /* bytes of the buffer copied: enough for the first line */

enum http_call {
	CALL_READ,
	CALL_RECVFROM,
	CALL_WRITE,
	CALL_SENDTO,
};

/* Syscall mode: the start of a buffer that began like HTTP. */
struct http_event {
	int pid;
	int tid;
	long len;	     /* what the syscall moved (read: its return value) */
	int call;	     /* enum http_call */
	unsigned int copied; /* bytes of data[] filled */
	char comm[TASK_COMM_LEN];
	char data[MAX_DATA];
};

#endif
