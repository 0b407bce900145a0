/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One record per IPv4 TCP socket being closed. */
#ifndef TCPRTT_H
#define TCPRTT_H

struct event {
	__u32 saddr; /* network byte order */
	__u32 daddr;
	__u16 sport; /* host byte order */
	__u16 dport;
	__u32 srtt_us; /* smoothed RTT, microseconds (srtt_us >> 3) */
};

#endif
