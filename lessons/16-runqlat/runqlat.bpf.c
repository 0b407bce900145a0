// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Run-queue latency: how long a task waits between becoming runnable
 * (woken up, or preempted while still runnable) and getting a CPU.
 *
 *   sched_wakeup / sched_wakeup_new   task is runnable: note the time
 *   sched_switch (prev still RUNNING) prev goes back on the queue: note it
 *   sched_switch (next)               next got the CPU: now - noted time
 *
 * The deltas go into a log2 histogram in .bss that user space reads.
 * The same logic is attached two ways: tp_btf (BTF-typed arguments, plain
 * pointer dereferences) where the kernel supports it, raw_tp otherwise
 * (untyped arguments, every read through bpf_probe_read_kernel/CO-RE).
 * The loader picks one set and disables the other's autoload.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lesson.bpf.h"

#define TASK_RUNNING 0

const volatile __u32 filter_tgid = 0; /* 0: every process */
const volatile bool msecs = false;    /* histogram unit: ms instead of us */

/* Global array: lands in .bss, which the skeleton maps into user space. */
__u32 hist[MAX_SLOTS];

/* tid -> when it became runnable (ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Kernels before 5.14 called task_struct::__state just "state". */
struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)t, state);
}

static __always_inline int enqueue(__u32 tgid, __u32 pid)
{
	__u64 ts;

	if (!pid)
		return 0; /* the idle task never waits */
	if (filter_tgid && tgid != filter_tgid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

static __always_inline int switched(bool prev_runnable, __u32 prev_tgid, __u32 prev_pid,
				    __u32 next_pid)
{
	__u64 *tsp, delta;

	/* Preempted, not sleeping: it is back on the run queue from now. */
	if (prev_runnable)
		enqueue(prev_tgid, prev_pid);

	tsp = bpf_map_lookup_elem(&start, &next_pid);
	if (!tsp)
		return 0; /* filtered out, or runnable before we attached */
	delta = bpf_ktime_get_ns() - *tsp;
	delta /= msecs ? 1000000 : 1000;
	__sync_fetch_and_add(&hist[hist_slot(delta)], 1);
	bpf_map_delete_elem(&start, &next_pid);
	return 0;
}

/* tp_btf: arguments arrive typed, and p->pid is an ordinary load. */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(runqlat_wakeup, struct task_struct *p)
{
	return enqueue(p->tgid, p->pid);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(runqlat_wakenew, struct task_struct *p)
{
	return enqueue(p->tgid, p->pid);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(runqlat_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return switched(task_state(prev) == TASK_RUNNING, prev->tgid, prev->pid, next->pid);
}

/* raw_tp: the same arguments as untyped u64s; read through them with CO-RE. */
SEC("raw_tp/sched_wakeup")
int BPF_PROG(runqlat_raw_wk, struct task_struct *p)
{
	return enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(runqlat_raw_wkn, struct task_struct *p)
{
	return enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("raw_tp/sched_switch")
int BPF_PROG(runqlat_raw_sw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return switched(task_state(prev) == TASK_RUNNING, BPF_CORE_READ(prev, tgid),
			BPF_CORE_READ(prev, pid), BPF_CORE_READ(next, pid));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
