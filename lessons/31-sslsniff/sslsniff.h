/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One SSL_read/SSL_write call that moved data, as the ring buffer carries it. */
#ifndef SSLSNIFF_H
#define SSLSNIFF_H

#define TASK_COMM_LEN 16
#define MAX_DATA      8192 /* the most bytes one event can carry (-s) */

/* Which libssl function; even = read, odd = write. */
enum ssl_func {
	F_SSL_READ,
	F_SSL_WRITE,
	F_SSL_READ_EX,
	F_SSL_WRITE_EX,
	F_NR,
};

struct event {
	__u32 pid;
	__u32 tid;
	__u32 len;	/* bytes the call read or wrote */
	__u32 captured; /* bytes in data[]: len cut to the capture limit */
	__u32 func;	/* enum ssl_func */
	__s32 read_err; /* bpf_probe_read_user() failed: data[] is empty */
	char comm[TASK_COMM_LEN];
	__u8 data[MAX_DATA]; /* only the first `captured` bytes are sent */
};

#endif
