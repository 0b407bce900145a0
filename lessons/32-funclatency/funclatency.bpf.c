// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * How long one function takes, as a log2 histogram: note the time at entry
 * (keyed by thread: the same function may run in many threads at once),
 * and at return add now - then to the histogram.
 *
 * One pair of programs serves both worlds: uprobes and kprobes are the same
 * program type (BPF_PROG_TYPE_KPROBE), so the loader attaches these two
 * with bpf_program__attach_uprobe_opts() to a user function, or with
 * bpf_program__attach_kprobe_opts() to a kernel function.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lesson.bpf.h"

const volatile __u32 filter_tgid = 0; /* 0: every process */
const volatile __u64 unit_ns = 1;     /* 1 ns, 1000 us, 1000000 ms */

/* Read by user space through the skeleton's .bss mapping. */
__u32 hist[MAX_SLOTS];
__u64 total_ns;
__u64 count;
/* Entries we could not remember (map full): their returns are not timed. */
__u64 missed;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);   /* thread id */
	__type(value, __u64); /* entry time, ns */
} starts SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(func_entry)
{
	__u64 id = bpf_get_current_pid_tgid(), ts;
	__u32 tid = (__u32)id;

	/* kprobes fire in every process; -p also filters uprobes in the kernel. */
	if (filter_tgid && id >> 32 != filter_tgid)
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &tid, &ts, BPF_ANY))
		__sync_fetch_and_add(&missed, 1);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(func_exit)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&starts, &tid);
	if (!tsp)
		return 0; /* entered before we attached, or filtered out */
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&starts, &tid);
	__sync_fetch_and_add(&total_ns, delta);
	__sync_fetch_and_add(&count, 1);
	__sync_fetch_and_add(&hist[hist_slot(delta / unit_ns)], 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
