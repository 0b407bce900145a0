// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Event transport bench: one event per getppid() of one process, through a
 * ring buffer or a perf buffer (the loader autoloads only one of the two).
 * Both count what was offered and what could not be queued.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "transport.h"

const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

__u64 offered;
__u64 dropped;

static __always_inline void fill(struct tevent *e, __u32 pid, __u64 seq)
{
	e->seq = seq;
	e->ts = bpf_ktime_get_ns();
	e->pid = pid;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->more[0] = e->more[1] = e->more[2] = 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int to_ringbuf(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct tevent *e;

	if (pid != target_tgid)
		return 0;
	__u64 seq = __sync_fetch_and_add(&offered, 1);
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	fill(e, pid, seq);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int to_perfbuf(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct tevent e;

	if (pid != target_tgid)
		return 0;
	fill(&e, pid, __sync_fetch_and_add(&offered, 1));
	if (bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, &e, sizeof(e)))
		__sync_fetch_and_add(&dropped, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
