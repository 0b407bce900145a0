// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A TC classifier on clsact ingress, in direct-action mode: its return value
 * is the verdict (TC_ACT_OK lets the packet in, TC_ACT_SHOT drops it).
 * Unlike XDP it sees an sk_buff, so it runs after the driver and can also
 * sit on egress (not used here).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "tc_counter.h"

/* From <linux/pkt_cls.h> and <linux/if_ether.h>: macros, so not in vmlinux.h. */
#define TC_ACT_OK   0
#define TC_ACT_SHOT 2
#define ETH_P_IP    0x0800

/* IPv4 protocol number to drop, set by the loader (--drop); -1: none. */
const volatile int drop_proto = -1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_KEYS);
	__type(key, u32);
	__type(value, struct counts);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tc")
int tc_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = NULL;
	u32 key = KEY_NON_IP;
	struct counts *c;
	struct event *e;
	bool drop;

	/* Every read of packet bytes must be proven in bounds first. */
	if ((void *)(eth + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP)) {
		ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end)
			ip = NULL; /* runt: count it as non-IP */
		else
			key = ip->protocol;
	}
	drop = ip && (int)key == drop_proto;

	c = bpf_map_lookup_elem(&counts, &key);
	if (c) {
		/* Packets arrive on several CPUs at once: atomic adds. */
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, skb->len);
		if (drop)
			__sync_fetch_and_add(&c->dropped, 1);
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->len = skb->len;
		e->eth_proto = bpf_ntohs(skb->protocol);
		e->ip_proto = ip ? key : 0;
		e->saddr = ip ? ip->saddr : 0;
		e->daddr = ip ? ip->daddr : 0;
		e->dropped = drop;
		bpf_ringbuf_submit(e, 0);
	}
	return drop ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
