// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 00's packet counter, with one change: the map is pinned by name.
 * libbpf then looks for <pin dir>/pkt_count before creating the map, and
 * reuses it when it is there, so the count survives a reload.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pkt_count SEC(".maps");

SEC("xdp")
int lifecycle_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&pkt_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
