/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef TRANSPORT_H
#define TRANSPORT_H

/* 64 bytes: a typical small trace event (PID, timestamp, comm, a bit more). */
struct tevent {
	__u64 seq;
	__u64 ts;
	__u32 pid;
	__u32 pad;
	char comm[16];
	__u64 more[3];
};

#endif
