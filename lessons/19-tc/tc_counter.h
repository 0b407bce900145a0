/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Layouts both halves agree on. */
#ifndef TC_COUNTER_H
#define TC_COUNTER_H

/* counts[] slots: 0..255 are IPv4 protocol numbers, this one is the rest. */
#define KEY_NON_IP 256
#define NR_KEYS	   257

struct counts {
	unsigned long long packets;
	unsigned long long bytes;
	unsigned long long dropped;
};

/* One per packet seen at ingress. */
struct event {
	unsigned int saddr; /* network byte order; 0 when not IPv4 */
	unsigned int daddr;
	unsigned int len;	  /* skb->len: the frame from the Ethernet header on */
	unsigned short eth_proto; /* host order, e.g. 0x0800 */
	unsigned char ip_proto;
	unsigned char dropped;
};

#endif
