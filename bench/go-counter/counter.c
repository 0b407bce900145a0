// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
//go:build ignore
/*
 * The ebpf-go "Getting Started" counter's kernel half, for the bench's Go
 * peer: the same program as lesson 00, compiled by bpf2go instead of
 * common/lesson.mk.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} pkt_count SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&pkt_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char __license[] SEC("license") = "Dual BSD/GPL";
