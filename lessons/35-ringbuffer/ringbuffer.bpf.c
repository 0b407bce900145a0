// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Send one event per execve() call to user space through a BPF ring buffer,
 * in one of two ways: reserve a slot and fill it in place (reserve/submit),
 * or fill a copy on the stack and have the helper copy it in (output).
 * Either can fail when the buffer is full; every such loss is counted in
 * `dropped`, a global the loader reads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ringbuffer.h"

const volatile bool use_output = false;		     /* bpf_ringbuf_output() */
const volatile char comm_filter[TASK_COMM_LEN] = {}; /* "": every caller */

/* .bss: zeroed at load, mapped into the loader (skel->bss->dropped). */
__u64 dropped = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* the loader may change it (--size) */
} events SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	int i;

	if (!comm_filter[0])
		return true;
#pragma unroll
	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tp/syscalls/sys_enter_execve")
int execve_event(struct trace_event_raw_sys_enter *ctx)
{
	const char *filename = (const char *)ctx->args[0];
	struct event *e, copy = {};

	bpf_get_current_comm(copy.comm, sizeof(copy.comm));
	if (!comm_matches(copy.comm))
		return 0;

	if (use_output) {
		/* Build it on the stack, then one helper call copies it in. */
		copy.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_probe_read_user_str(copy.filename, sizeof(copy.filename), filename);
		if (bpf_ringbuf_output(&events, &copy, sizeof(copy), 0))
			__sync_fetch_and_add(&dropped, 1);
		return 0;
	}

	/* Reserve the slot first: the record is written where it will be read. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1); /* full: nothing was reserved */
		return 0;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	__builtin_memcpy(e->comm, copy.comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
