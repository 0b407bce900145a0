/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Layouts both halves agree on. */
#ifndef TCPRTT_SOCKOPS_H
#define TCPRTT_SOCKOPS_H

/* Kept per socket in sk_storage from ESTABLISHED on. */
struct sk_key {
	__u32 saddr; /* network byte order */
	__u32 daddr;
	__u16 sport; /* host byte order */
	__u16 dport;
};

/* One per RTT sample of a socket in the cgroup. */
struct rtt_event {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u32 srtt_us; /* smoothed RTT after this sample, microseconds */
};

#endif
