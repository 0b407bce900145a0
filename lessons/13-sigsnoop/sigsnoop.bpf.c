// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Trace kill(): what was sent, by whom, to whom, and whether it worked.
 * The arguments are only visible on syscall entry and the result only on
 * exit, so entry stashes a half-filled record in a hash map keyed by thread
 * id and exit completes it, sends it to user space and deletes it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sigsnoop.h"

const volatile __u32 filter_pid = 0; /* 0: every sender */
const volatile int filter_sig = 0;   /* 0: every signal */
const volatile bool failed_only = false;

/* In flight: entered kill() but not yet returned.  One per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* thread id */
	__type(value, struct event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_kill")
int sig_kill_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, pid = id >> 32;
	struct event ev = {};

	ev.tpid = (int)ctx->args[0];
	ev.sig = (int)ctx->args[1];
	if (filter_pid && pid != filter_pid)
		return 0;
	if (filter_sig && ev.sig != filter_sig)
		return 0;
	ev.pid = pid;
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	/* Keyed by thread, not process: two threads may be in kill() at once. */
	bpf_map_update_elem(&inflight, &tid, &ev, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int sig_kill_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *ev;

	ev = bpf_map_lookup_elem(&inflight, &tid);
	if (!ev)
		return 0; /* entry was filtered out, or we attached mid-call */
	ev->ret = (int)ctx->ret;
	if (!failed_only || ev->ret < 0)
		bpf_ringbuf_output(&events, ev, sizeof(*ev), 0);
	/* Always delete, or the map fills up with finished calls. */
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
