// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * XDP programs for the per-packet cost bench (xdprun test-runs them with
 * BPF_PROG_TEST_RUN): nothing at all, then ways to count a packet.
 * Lesson 00's ARRAY + atomic add and lesson 43's LRU hash come from those
 * lessons' own objects.  xdprun -p runs them from every CPU at once: only
 * the per-CPU map keeps each CPU on its own cache line, and only the racy
 * ARRAY loses counts.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} percpu_count SEC(".maps");

/* The wrong way, for the contention bench: a plain += on one shared slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} racy_count SEC(".maps");

/*
 * A global: .bss is a one-slot ARRAY the program addresses directly.  One
 * copy for all CPUs, so it is as shared as lesson 00's slot.
 */
__u64 bss_count;

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_percpu(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&percpu_count, &key);

	if (count)
		(*count)++; /* this CPU's slot only: no atomic needed */
	return XDP_PASS;
}

SEC("xdp")
int xdp_bss(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&bss_count, 1); /* no lookup call, still atomic */
	return XDP_PASS;
}

SEC("xdp")
int xdp_racy(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&racy_count, &key);

	/* load, add, store: two CPUs can both load N and both store N + 1 */
	if (count)
		(*count)++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
