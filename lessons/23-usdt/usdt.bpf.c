// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * USDT probes: markers a program compiled into itself with <sys/sdt.h>.
 * Each marker is a nop plus an ELF note (.note.stapsdt) saying where the
 * nop is and where each argument lives ("8@%rax", "-4@-20(%rbp)").  libbpf
 * reads the note, puts a uprobe on the nop and stores the argument specs
 * in a map; usdt.bpf.h's bpf_usdt_arg() decodes them at run time.
 *
 *   usdt_hit	any probe: every argument as a number, one optionally as a string
 *   gc_begin/gc_end	HotSpot's GC probes, paired into a pause duration
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "lesson.bpf.h"
#include "usdt.h"

const volatile int str_arg = -1; /* 0-based argument to read as a string; -1: none */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Events lost because the ring buffer was full; the loader reports it. */
__u64 dropped;

/* tid -> gc__begin time and kind. */
struct gc_start {
	__u64 ts;
	__u32 full;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct gc_start);
} gc_starts SEC(".maps");

static __always_inline struct event *new_event(__u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return NULL;
	}
	e->kind = kind;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->str_ok = 0;
	return e;
}

/*
 * Generic: attached once per probe the user named, with the probe's index
 * as the USDT cookie.  The argument count is a property of the probe site.
 */
SEC("usdt")
int usdt_hit(struct pt_regs *ctx)
{
	struct event *e;
	long val;
	int i;

	e = new_event(EV_HIT);
	if (!e)
		return 0;
	e->probe = bpf_usdt_cookie(ctx);
	e->argc = bpf_usdt_arg_cnt(ctx);
	/*
	 * Unrolled: bpf_usdt_arg() is a BPF-to-BPF call, and before 5.12 or so
	 * the verifier refused a loop whose back edge was a call's
	 * fall-through ("back-edge from insn 40 to 41", seen on 5.10).
	 */
#pragma unroll
	for (i = 0; i < MAX_ARGS; i++) {
		val = 0;
		if (i < e->argc)
			bpf_usdt_arg(ctx, i, &val); /* sign- or zero-extended to 64 bits */
		e->args[i] = val;
		/* The value is an address in the traced process: a _user_ read. */
		if (i == str_arg && i < e->argc)
			e->str_ok = read_user_str(e->str, sizeof(e->str), (const void *)val) > 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* hotspot:gc__begin(bool full): BPF_USDT names and types the arguments. */
SEC("usdt")
int BPF_USDT(gc_begin, int full)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gc_start s = { .ts = bpf_ktime_get_ns(), .full = full };

	bpf_map_update_elem(&gc_starts, &tid, &s, BPF_ANY);
	return 0;
}

/* hotspot:gc__end(): the same thread ends the collection it began. */
SEC("usdt")
int BPF_USDT(gc_end)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gc_start *s;
	struct event *e;

	s = bpf_map_lookup_elem(&gc_starts, &tid);
	if (!s)
		return 0; /* began before we attached */
	e = new_event(EV_GC);
	if (e) {
		e->duration_ns = bpf_ktime_get_ns() - s->ts;
		e->full = s->full;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&gc_starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
