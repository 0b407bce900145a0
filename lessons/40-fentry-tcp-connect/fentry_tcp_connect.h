/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per outgoing IPv4 TCP connect. */
#ifndef FENTRY_TCP_CONNECT_H
#define FENTRY_TCP_CONNECT_H

#define TASK_COMM_LEN 16

struct event {
	__u32 saddr; /* network byte order, like the kernel keeps them */
	__u32 daddr;
	__u16 sport; /* host byte order */
	__u16 dport;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

#endif
