// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The kernel end of a user ring buffer.  User space submits samples; this
 * program, run when the loader makes a getpid() syscall, drains everything
 * submitted so far with bpf_user_ringbuf_drain(), which calls drain_one()
 * once per sample, in order.  Each sample is added to running totals and
 * echoed back through an ordinary (kernel -> user) ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "user_ringbuf.h"

/* Only the loader's getpid() drains; set before load. */
const volatile int loader_pid = 0;

/* User space produces, BPF consumes: the reverse of BPF_MAP_TYPE_RINGBUF. */
struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096); /* bytes; the loader may resize it */
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} echoes SEC(".maps");

struct urb_totals totals = {};

/* Called by the helper with a dynptr over one sample; 0 = go on, 1 = stop. */
static long drain_one(struct bpf_dynptr *dynptr, void *ctx)
{
	struct urb_sample s;
	struct urb_echo *e;

	/* A dynptr knows its length: a short sample fails the read. */
	if (bpf_dynptr_read(&s, sizeof(s), dynptr, 0, 0)) {
		__sync_fetch_and_add(&totals.short_samples, 1);
		return 0;
	}
	/* One program instance drains at a time (one loader thread). */
	totals.samples++;
	totals.sum += s.value;
	if (s.seq != totals.next_seq)
		totals.out_of_order++;
	totals.next_seq = s.seq + 1;

	e = bpf_ringbuf_reserve(&echoes, sizeof(*e), 0);
	if (!e) {
		totals.echo_dropped++;
		return 0;
	}
	e->seq = s.seq;
	e->value = s.value;
	e->drain = totals.drains;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int drain_samples(void *ctx)
{
	long n;

	if ((int)(bpf_get_current_pid_tgid() >> 32) != loader_pid)
		return 0;
	totals.drains++;
	/* Returns how many samples it consumed, or a negative errno. */
	n = bpf_user_ringbuf_drain(&samples, drain_one, NULL, 0);
	totals.last_drain_ret = n;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
