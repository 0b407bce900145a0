/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Layouts both halves agree on. */
#ifndef XDP_PARSE_H
#define XDP_PARSE_H

/* One per frame when printing is on (-p). */
struct event {
	unsigned int saddr[4]; /* network byte order; IPv4 in [0] */
	unsigned int daddr[4];
	unsigned int len; /* frame length, Ethernet header included */
	unsigned short eth_proto;
	unsigned short vlan_id[2];
	unsigned short sport; /* ICMP: type */
	unsigned short dport; /* ICMP: code */
	unsigned char nr_vlans;
	unsigned char l4_proto;
	unsigned char class; /* enum pkt_class */
};

#endif
