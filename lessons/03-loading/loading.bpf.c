// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * An object with a little of everything, for the loader to take apart:
 * programs of two types, two maps, a global constant, one optional program
 * ("?" section) and one the verifier rejects.  Nothing is attached: this
 * lesson is about what happens *before* attach.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* getpid() calls per process (tgid). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Packets seen by xdp_pass. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

/*
 * .rodata: what each counted call adds.  No skeleton here: the loader finds
 * it through the object's BTF and changes it before load (-g step=N).
 */
const volatile __u64 step = 1;

static void count_current(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 first = step, *val;

	val = bpf_map_lookup_elem(&counts, &tgid);
	if (val)
		__sync_fetch_and_add(val, step);
	else
		bpf_map_update_elem(&counts, &tgid, &first, BPF_NOEXIST);
}

SEC("tp/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	count_current();
	return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&xdp_stats, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return XDP_PASS;
}

/* "?": libbpf leaves this one out unless the loader asks for it. */
SEC("?tp/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	count_current();
	return 0;
}

/* Also optional, and wrong on purpose: the lookup may return NULL. */
SEC("?tp/syscalls/sys_enter_getpid")
int broken(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 *val = bpf_map_lookup_elem(&counts, &tgid);

	*val += 1; /* no NULL check: rejected at load time */
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
