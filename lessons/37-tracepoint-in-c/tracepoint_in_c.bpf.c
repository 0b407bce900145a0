// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Count page allocations at the kmem/mm_page_alloc tracepoint, reading its
 * record two ways: through a struct written by hand from the tracepoint's
 * format file (what the ebpf-go example does), or through vmlinux.h's
 * trace_event_raw_mm_page_alloc, whose field offsets libbpf relocates to
 * the running kernel's (CO-RE).  The loader loads one of the two.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tracepoint_in_c.h"

const volatile __u32 target_pid = 0; /* 0: every process */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void count(__u32 order)
{
	__u32 key = COUNT_ALLOCS;
	__u64 *v;

	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	key = COUNT_PAGES;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1ULL << (order & 63));
}

/* The offsets are compiled in: right only while the format file agrees. */
SEC("tracepoint/kmem/mm_page_alloc")
int page_alloc_format(struct mm_page_alloc_args *ctx)
{
	count(ctx->order);
	return 0;
}

/* vmlinux.h's types carry preserve_access_index: ctx->order is relocated. */
SEC("tracepoint/kmem/mm_page_alloc")
int page_alloc_btf(struct trace_event_raw_mm_page_alloc *ctx)
{
	count(ctx->order);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
