// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Report every process that exits: its PID, parent, how it ended and how
 * long it lived.  The sched_process_exit tracepoint fires once per exiting
 * thread; we keep only thread-group leaders, i.e. processes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "exitsnoop.h"

const volatile __u32 filter_pid = 0; /* 0: every process */
const volatile bool failed_only = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exit")
int exitsnoop_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	struct task_struct *task;
	struct event *e;
	__u32 code;

	/* A thread that is not the leader: the process lives on. */
	if (pid != tid)
		return 0;
	if (filter_pid && pid != filter_pid)
		return 0;

	/* The exiting task is current; its fields are read with CO-RE. */
	task = (struct task_struct *)bpf_get_current_task();
	code = BPF_CORE_READ(task, exit_code);
	if (failed_only && code == 0)
		return 0;

	/* Reserve in place: no copy, and no stack space for the record. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0; /* ring full: this event is lost */
	/* start_time is CLOCK_MONOTONIC ns, the clock bpf_ktime_get_ns reads. */
	e->lifetime_ns = bpf_ktime_get_ns() - BPF_CORE_READ(task, start_time);
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = code;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
