// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A sampling CPU profiler.  The loader opens one cpu-clock perf event per
 * CPU that fires HZ times a second and attaches this program to each; every
 * time it fires, the program records who was running and where: the user
 * and kernel stacks go into a STACK_TRACE map (deduplicated, one id per
 * distinct stack) and a HASH map counts samples per (pid, stacks).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "profile.h"

#define EFAULT 14

/* Stack id -> up to MAX_STACK_DEPTH instruction pointers. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__type(key, u32);
	__uint(value_size, MAX_STACK_DEPTH * sizeof(u64));
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stack_key);
	__type(value, u64);
} counts SEC(".maps");

/* Set by the loader before load. */
const volatile pid_t target_pid = 0; /* 0: every process */
const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;

/* Nothing lost silently: the loader prints these at exit. */
__u64 dropped_samples = 0; /* counts map full */
__u64 lost_stacks = 0;	   /* stack map full, or a hash collision */

static s32 stack_id(struct bpf_perf_event_data *ctx, u64 flags)
{
	long id = bpf_get_stackid(ctx, &stackmap, flags);

	if (id < 0 && id != -EFAULT)
		__sync_fetch_and_add(&lost_stacks, 1);
	return id;
}

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	u64 id = bpf_get_current_pid_tgid(), one = 1, *count;
	struct stack_key key = {};

	/* Thread 0 is a CPU's idle task: not work anyone asked for. */
	if ((u32)id == 0)
		return 0;
	if (target_pid && (id >> 32) != target_pid)
		return 0;

	key.pid = id >> 32;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	key.user_stack_id = user_stacks ? stack_id(ctx, BPF_F_USER_STACK) : -EFAULT;
	key.kern_stack_id = kernel_stacks ? stack_id(ctx, 0) : -EFAULT;

	count = bpf_map_lookup_elem(&counts, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	/* Another CPU may have inserted the same key meanwhile: then add to it. */
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		count = bpf_map_lookup_elem(&counts, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
		else
			__sync_fetch_and_add(&dropped_samples, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
