/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared by both halves of lesson 26. */
#ifndef LSM_CONNECT_H
#define LSM_CONNECT_H

#define TASK_COMM_LEN 16

/* One refused connect(). */
struct event {
	int pid;
	unsigned int daddr;   /* network byte order */
	unsigned short dport; /* host byte order */
	unsigned short type;  /* SOCK_STREAM, SOCK_DGRAM, ... */
	char comm[TASK_COMM_LEN];
};

#endif
