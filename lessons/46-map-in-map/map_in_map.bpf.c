// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Two outer maps whose values are other maps.  The program runs on every
 * getpid() of one process (the loader) and counts the call in whichever
 * inner map the outer maps point at right now: slot 0 of outer_array, and
 * the entry of outer_hash keyed by the caller's PID.  User space creates
 * the inner maps and swaps them; the program only ever sees the outer maps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;

/*
 * No __array(values, ...) here: the inner maps' shape comes from user space
 * (bpf_map__set_inner_map_fd) before load, like ebpf-go's MapSpec.InnerMap.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32); /* from user space: an inner map's fd */
} outer_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} outer_hash SEC(".maps");

static __always_inline void bump(void *inner)
{
	__u32 zero = 0;
	__u64 *v;

	/* An inner map is used like any map; its size is whatever it was made with. */
	v = bpf_map_lookup_elem(inner, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tp/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	void *inner;

	if (tgid != target_tgid)
		return 0;
	inner = bpf_map_lookup_elem(&outer_array, &zero);
	if (inner)
		bump(inner);
	inner = bpf_map_lookup_elem(&outer_hash, &tgid);
	if (inner)
		bump(inner);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
