// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 39: a cgroup_skb program on egress runs for every packet a socket
 * owned by a process of the cgroup (or of its descendants) sends.  It sees
 * an sk_buff starting at the network header, and its return value is a
 * verdict: 1 lets the packet go, 0 drops it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} pkt_count SEC(".maps");

SEC("cgroup_skb/egress")
int count_egress_packets(struct __sk_buff *skb)
{
	u32 key = 0;
	u64 *count = bpf_map_lookup_elem(&pkt_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 1; /* let it through */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
