/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Lesson 30: the SOCKHASH key, shared by both halves. */
#ifndef SOCKOPS_H
#define SOCKOPS_H

/* A connection seen from one end; addresses in network order, ports in host order. */
struct sock_key {
	__u32 sip;
	__u32 dip;
	__u32 sport;
	__u32 dport;
};

#endif
