// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 43: count received IPv4 packets per source address.  The table is
 * an LRU hash: when it is full, inserting a new address evicts the one used
 * least recently, so a flood of spoofed sources cannot make it fail.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "parse.h"

/* The loader may resize it (-m) before loading; 16 is the Go example's size. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);   /* source IPv4 address, network byte order */
	__type(value, __u64); /* packets */
} xdp_stats_map SEC(".maps");

SEC("xdp")
int xdp_prog_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct pkt_meta m = {};
	enum pkt_class class;
	__u64 one = 1, *count;
	__u32 key;

	/*
	 * The shared parser of lesson 27.  PKT_IPV4_TCP .. PKT_IPV4_OTHER are the
	 * IPv4 frames whose headers are sane (VLAN-tagged ones too).
	 */
	class = parse_packet(data, data_end, &m);
	if (class > PKT_IPV4_OTHER)
		return XDP_PASS;
	key = m.saddr[0];

	count = bpf_map_lookup_elem(&xdp_stats_map, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return XDP_PASS;
	}
	/*
	 * First packet from this address.  Another CPU may insert it at the
	 * same moment: BPF_NOEXIST makes one of us lose, and the loser adds.
	 */
	if (bpf_map_update_elem(&xdp_stats_map, &key, &one, BPF_NOEXIST)) {
		count = bpf_map_lookup_elem(&xdp_stats_map, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
