// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Count execve() calls.  The examples' way: a kprobe on the execve syscall,
 * written with SEC("ksyscall/execve") so libbpf picks the architecture's
 * symbol (__x64_sys_execve, __arm64_sys_execve, ...).  The fallback for
 * kernels without kprobes: the syscalls/sys_enter_execve tracepoint.  The
 * counter is a one-slot ARRAY (shared by all CPUs: atomic add) or a
 * one-slot PERCPU_ARRAY (one slot per CPU: plain add, summed in user space).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h> /* BPF_KSYSCALL reads arguments with CO-RE */

#define TASK_COMM_LEN 16

const volatile char comm_filter[TASK_COMM_LEN] = {}; /* "": every caller */
const volatile bool use_percpu = false;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} exec_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} exec_count_percpu SEC(".maps");

/* The caller's comm: the name of the process about to exec, not the new one. */
static __always_inline bool comm_matches(void)
{
	char comm[TASK_COMM_LEN];
	int i;

	if (!comm_filter[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
#pragma unroll
	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline void count_exec(void)
{
	__u32 key = 0;
	__u64 *v;

	if (!comm_matches())
		return;
	if (use_percpu) {
		/* This CPU's own slot: nobody else writes it, no atomic needed. */
		v = bpf_map_lookup_elem(&exec_count_percpu, &key);
		if (v)
			*v += 1;
	} else {
		v = bpf_map_lookup_elem(&exec_count, &key);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
}

SEC("ksyscall/execve")
int BPF_KSYSCALL(execve_kprobe, const char *filename)
{
	count_exec();
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int execve_tp(void *ctx)
{
	count_exec();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
