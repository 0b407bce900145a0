/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per connect() that reached ESTABLISHED. */
#ifndef TCPCONNLAT_H
#define TCPCONNLAT_H

#define TASK_COMM_LEN 16
/* <linux/socket.h> macros: not in vmlinux.h (the loader has them). */
#ifndef AF_INET
#define AF_INET	 2
#define AF_INET6 10
#endif

struct event {
	union {
		__u32 saddr_v4; /* network byte order */
		__u8 saddr_v6[16];
	};
	union {
		__u32 daddr_v4;
		__u8 daddr_v6[16];
	};
	__u64 delta_us; /* connect() -> SYN-ACK processed */
	__u32 pid;	/* tgid of the process that called connect() */
	__u16 lport;	/* host byte order */
	__u16 dport;	/* host byte order */
	__u16 af;	/* AF_INET or AF_INET6 */
	char comm[TASK_COMM_LEN];
};

#endif
