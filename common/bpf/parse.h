/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Bounds-checked packet parsing for XDP (and TC) programs, shared by lessons
 * 27 and 43: Ethernet -> up to two VLAN tags (802.1Q / 802.1ad) -> IPv4 or
 * IPv6 -> TCP, UDP, ICMP / ICMPv6.  parse_packet() sorts every frame into
 * exactly one enum pkt_class and fills struct pkt_meta.
 *
 * The enum and the class names are plain C, so a loader can include this
 * file too (`#include "bpf/parse.h"`) and print the same names; everything
 * that needs vmlinux.h is only compiled for the BPF target.
 *
 * Every read of packet bytes is preceded by a check that the bytes lie
 * before data_end: the verifier rejects the program otherwise.  A header
 * that is cut short or says something impossible (IHL < 5, TCP data offset
 * < 5, a length past the end of the frame) is a "bad-*" class, never a
 * guess.
 */
#ifndef LESSON_PARSE_H
#define LESSON_PARSE_H

enum pkt_class {
	PKT_IPV4_TCP,
	PKT_IPV4_UDP,
	PKT_IPV4_ICMP,
	PKT_IPV4_FRAG,	/* a non-first fragment: no L4 header in it */
	PKT_IPV4_OTHER, /* another protocol number (GRE, SCTP, ...) */
	PKT_IPV6_TCP,
	PKT_IPV6_UDP,
	PKT_IPV6_ICMP,
	PKT_IPV6_OTHER, /* extension headers are not followed */
	PKT_NON_IP,	/* ARP, LLDP, ...: any other EtherType */
	PKT_BAD_ETH,	/* shorter than an Ethernet header */
	PKT_BAD_VLAN,	/* a tag cut short, or more than PARSE_MAX_VLANS tags */
	PKT_BAD_IPV4,	/* short header, version != 4, IHL < 5, lengths past the end */
	PKT_BAD_IPV6,	/* short header, version != 6 */
	PKT_BAD_L4,	/* TCP/UDP/ICMP header cut short, TCP data offset < 5 */
	PKT_NR_CLASSES,
};

/* Indexed by enum pkt_class.  Not clang-formatted: versions 14 and 19 lay it out differently. */
/* clang-format off */
#define PKT_CLASS_NAMES								\
	{									\
		"ipv4-tcp", "ipv4-udp", "ipv4-icmp", "ipv4-frag", "ipv4-other",	\
		"ipv6-tcp", "ipv6-udp", "ipv6-icmp", "ipv6-other", "non-ip",	\
		"bad-eth", "bad-vlan", "bad-ipv4", "bad-ipv6", "bad-l4",	\
	}
/* clang-format on */

#define PARSE_MAX_VLANS 2

#ifdef __bpf__

#include <bpf/bpf_endian.h>

/* <linux/if_ether.h> and <linux/in.h> values: macros, so not in vmlinux.h. */
#define PARSE_ETH_P_IP	    0x0800
#define PARSE_ETH_P_IPV6    0x86DD
#define PARSE_ETH_P_8021Q   0x8100
#define PARSE_ETH_P_8021AD  0x88A8
#define PARSE_IPPROTO_ICMP  1
#define PARSE_IPPROTO_TCP   6
#define PARSE_IPPROTO_UDP   17
#define PARSE_IPPROTO_ICMP6 58
#define PARSE_IP_MF	    0x2000
#define PARSE_IP_OFFSET	    0x1FFF

/* What parse_packet() learned; fields past the failing header stay 0. */
struct pkt_meta {
	__u16 eth_proto; /* EtherType after the VLAN tags, host order */
	__u8 nr_vlans;
	__u8 l4_proto; /* IPv4 protocol / IPv6 next header */
	__u16 vlan_id[PARSE_MAX_VLANS];
	__u32 saddr[4]; /* IPv4 in saddr[0]; network byte order */
	__u32 daddr[4];
	__u16 sport;  /* host order; ICMP: type */
	__u16 dport;  /* host order; ICMP: code */
	__u16 l3_off; /* offsets from the frame start */
	__u16 l4_off;
};

/*
 * The one idiom everything below is made of: is [p, p + len) inside the
 * frame?  Written as a macro so the comparison the verifier sees is on the
 * packet pointer itself.
 */
#define PARSE_FITS(p, len, end) ((void *)(p) + (len) <= (end))

static __always_inline enum pkt_class parse_l4(void *l4, void *end, __u8 proto, struct pkt_meta *m,
					       enum pkt_class ok_tcp)
{
	/* The classes are laid out TCP, UDP, ICMP for both IP versions. */
	if (proto == PARSE_IPPROTO_TCP) {
		struct tcphdr *tcp = l4;
		__u32 doff;

		if (!PARSE_FITS(tcp, sizeof(*tcp), end))
			return PKT_BAD_L4;
		/* Data offset: the high nibble of byte 12, in 32-bit words. */
		doff = (((__u8 *)tcp)[12] >> 4) * 4;
		if (doff < sizeof(*tcp) || !PARSE_FITS(tcp, doff, end))
			return PKT_BAD_L4;
		m->sport = bpf_ntohs(tcp->source);
		m->dport = bpf_ntohs(tcp->dest);
		return ok_tcp;
	}
	if (proto == PARSE_IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if (!PARSE_FITS(udp, sizeof(*udp), end))
			return PKT_BAD_L4;
		m->sport = bpf_ntohs(udp->source);
		m->dport = bpf_ntohs(udp->dest);
		return ok_tcp + 1;
	}
	/* struct icmphdr and struct icmp6hdr are both 8 bytes: type, code, ... */
	if ((ok_tcp == PKT_IPV4_TCP && proto == PARSE_IPPROTO_ICMP) ||
	    (ok_tcp == PKT_IPV6_TCP && proto == PARSE_IPPROTO_ICMP6)) {
		__u8 *icmp = l4;

		if (!PARSE_FITS(icmp, 8, end))
			return PKT_BAD_L4;
		m->sport = icmp[0];
		m->dport = icmp[1];
		return ok_tcp + 2;
	}
	return ok_tcp == PKT_IPV4_TCP ? PKT_IPV4_OTHER : PKT_IPV6_OTHER;
}

static __always_inline enum pkt_class parse_ipv4(void *data, void *l3, void *end,
						 struct pkt_meta *m)
{
	struct iphdr *ip = l3;
	__u32 ihl, tot_len;
	__u8 vihl;

	if (!PARSE_FITS(ip, sizeof(*ip), end))
		return PKT_BAD_IPV4;
	/*
	 * Version and IHL share byte 0.  Read the byte rather than the
	 * bitfields, whose order in struct iphdr depends on the byte order.
	 */
	vihl = *(__u8 *)ip;
	ihl = (vihl & 0xF) * 4;
	if (vihl >> 4 != 4 || ihl < sizeof(*ip))
		return PKT_BAD_IPV4;
	tot_len = bpf_ntohs(ip->tot_len);
	/*
	 * 16 bits, as the compiler knows; the verifier of 6.12 (and older)
	 * forgets it after a byte swap and then refuses `ip + tot_len`.  The
	 * mask, kept by barrier_var(), tells it.
	 */
	barrier_var(tot_len);
	tot_len &= 0xffff;
	/* Options past the end, or a datagram longer than the frame. */
	if (tot_len < ihl || !PARSE_FITS(ip, ihl, end) || !PARSE_FITS(ip, tot_len, end))
		return PKT_BAD_IPV4;
	m->l4_proto = ip->protocol;
	m->saddr[0] = ip->saddr;
	m->daddr[0] = ip->daddr;
	m->l4_off = l3 + ihl - data;
	if (bpf_ntohs(ip->frag_off) & PARSE_IP_OFFSET)
		return PKT_IPV4_FRAG;
	return parse_l4(l3 + ihl, end, ip->protocol, m, PKT_IPV4_TCP);
}

static __always_inline enum pkt_class parse_ipv6(void *data, void *l3, void *end,
						 struct pkt_meta *m)
{
	struct ipv6hdr *ip6 = l3;

	if (!PARSE_FITS(ip6, sizeof(*ip6), end))
		return PKT_BAD_IPV6;
	if (*(__u8 *)ip6 >> 4 != 6)
		return PKT_BAD_IPV6;
	m->l4_proto = ip6->nexthdr;
	__builtin_memcpy(m->saddr, &ip6->saddr, sizeof(m->saddr));
	__builtin_memcpy(m->daddr, &ip6->daddr, sizeof(m->daddr));
	m->l4_off = (void *)(ip6 + 1) - data;
	return parse_l4(ip6 + 1, end, ip6->nexthdr, m, PKT_IPV6_TCP);
}

/* Classify the frame [data, end) and fill *m (which the caller zeroed). */
static __always_inline enum pkt_class parse_packet(void *data, void *end, struct pkt_meta *m)
{
	struct ethhdr *eth = data;
	void *pos = eth + 1;
	__u16 proto;
	int i;

	if (!PARSE_FITS(eth, sizeof(*eth), end))
		return PKT_BAD_ETH;
	proto = bpf_ntohs(eth->h_proto);

	/* A bounded loop the compiler unrolls: one tag per pass. */
#pragma unroll
	for (i = 0; i < PARSE_MAX_VLANS; i++) {
		struct vlan_hdr *vh = pos;

		if (proto != PARSE_ETH_P_8021Q && proto != PARSE_ETH_P_8021AD)
			break;
		if (!PARSE_FITS(vh, sizeof(*vh), end))
			return PKT_BAD_VLAN;
		m->vlan_id[i] = bpf_ntohs(vh->h_vlan_TCI) & 0x0FFF;
		m->nr_vlans++;
		proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
		pos = vh + 1;
	}
	/* Still a tag after PARSE_MAX_VLANS: deeper than we follow. */
	if (proto == PARSE_ETH_P_8021Q || proto == PARSE_ETH_P_8021AD)
		return PKT_BAD_VLAN;

	m->eth_proto = proto;
	m->l3_off = pos - data;
	if (proto == PARSE_ETH_P_IP)
		return parse_ipv4(data, pos, end, m);
	if (proto == PARSE_ETH_P_IPV6)
		return parse_ipv6(data, pos, end, m);
	return PKT_NON_IP;
}

#endif /* __bpf__ */

#endif
