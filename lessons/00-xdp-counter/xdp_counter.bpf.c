// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Count every packet that arrives on an interface.  Same program as the
 * ebpf-go guide's counter.c; only the loader around it changes language.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* One slot, key 0: the packet count.  User space reads it by key. */
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

	/* The verifier insists: a lookup can fail, so check before use. */
	if (count)
		__sync_fetch_and_add(count, 1); /* atomic: RX runs on many CPUs */
	return XDP_PASS;			/* count it, let the stack have it */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
