// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * One event per exec(): the new program's PID, its parent's PID and its
 * name.  The parent comes from task_struct, a kernel-internal struct whose
 * layout changes between kernel builds: BPF_CORE_READ records *which field*
 * we want (a CO-RE relocation), and libbpf patches in the offset that the
 * running kernel's BTF gives, at load time.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "portable.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	/* Two relocations: task->tgid, and task->real_parent then ->tgid. */
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
