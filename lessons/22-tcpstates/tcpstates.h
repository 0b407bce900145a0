/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per TCP state change. */
#ifndef TCPSTATES_H
#define TCPSTATES_H

#define TASK_COMM_LEN 16
#ifndef AF_INET
#define AF_INET	 2
#define AF_INET6 10
#endif

struct event {
	__u8 saddr[16]; /* IPv4: the first 4 bytes, network byte order */
	__u8 daddr[16];
	__u64 skaddr;	/* the struct sock: one socket's lines share it */
	__u64 delta_us; /* time spent in oldstate; 0 when we missed its start */
	__u32 pid;	/* current task: only meaningful in process context */
	int oldstate;
	int newstate;
	__u16 family;
	__u16 sport; /* host byte order */
	__u16 dport;
	char comm[TASK_COMM_LEN];
};

#endif
