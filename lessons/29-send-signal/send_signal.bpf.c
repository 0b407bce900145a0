// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Send a signal to a process the moment it enters ptrace(), or openat() on
 * one named file.  bpf_send_signal() queues the signal for the current
 * process; it is delivered when the task next returns to user space, which
 * is at the end of this very syscall.  The syscall itself still runs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "send_signal.h"

/* Set by the loader before load. */
const volatile int signal_nr = 9;		/* SIGKILL */
const volatile int target_pid = 0;		/* 0: any process */
const volatile char target_comm[TASK_COMM_LEN]; /* "": any name */
const volatile char open_path[MAX_PATH];	/* "": do not watch openat */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Events the ring buffer had no room for; the loader reports them. */
__u64 dropped = 0;

static __always_inline bool is_target(char comm[TASK_COMM_LEN])
{
	int i;

	if (target_pid && (int)(bpf_get_current_pid_tgid() >> 32) != target_pid)
		return false;
	if (!target_comm[0])
		return true;
	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline void stop_it(int trigger, long arg, const char *path)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct event *e;
	int ret;

	/* The signal first: nothing below may keep it from being sent. */
	ret = bpf_send_signal(signal_nr);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return;
	}
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->sig = signal_nr;
	e->ret = ret;
	e->arg = arg;
	e->trigger = trigger;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->path[0] = '\0';
	if (path)
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
	bpf_ringbuf_submit(e, 0);
}

SEC("tp/syscalls/sys_enter_ptrace")
int signal_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	char comm[TASK_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
	if (!is_target(comm))
		return 0;
	stop_it(TRIGGER_PTRACE, (long)ctx->args[0], NULL);
	return 0;
}

/* Too big for the 512-byte stack next to everything else: one per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[MAX_PATH]);
} path_buf SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int signal_openat(struct trace_event_raw_sys_enter *ctx)
{
	char comm[TASK_COMM_LEN];
	__u32 zero = 0;
	char *path;
	int i;

	if (!open_path[0])
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	if (!is_target(comm))
		return 0;
	path = bpf_map_lookup_elem(&path_buf, &zero);
	if (!path)
		return 0;
	/* openat(dfd, filename, flags, mode): the name is in user memory. */
	if (bpf_probe_read_user_str(path, MAX_PATH, (const char *)ctx->args[1]) <= 0)
		return 0;
	for (i = 0; i < MAX_PATH; i++) {
		if (path[i] != open_path[i])
			return 0;
		if (!path[i])
			break;
	}
	stop_it(TRIGGER_OPEN, 0, path);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
