// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Maps that cost real memory, and a program that uses one: enough for the
 * loader to go far past a tiny RLIMIT_MEMLOCK.  The program is loaded but
 * never attached; programs are charged the same way maps are.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct page_value {
	__u8 bytes[4096];
};

/* 256 values of 4 KiB: one MiB, allocated when the map is created. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct page_value);
} rl_big SEC(".maps");

/* Hash maps preallocate their elements too (unless BPF_F_NO_PREALLOC). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} rl_hash SEC(".maps");

SEC("socket")
int rl_filter(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct page_value *v = bpf_map_lookup_elem(&rl_big, &key);

	return v ? v->bytes[0] : 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
