// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Every kind of section libbpf understands, each doing one small job:
 * count the kill() calls and all syscalls of one process.  SEC("...")
 * names the ELF section; the name is the instruction to libbpf.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* .rodata: const volatile, set by the loader before load, then frozen. */
const volatile int target_tgid = 0; /* 0: every process */

/* .data: initialised globals; the initial value is in the ELF file. */
long last_signal = -1;

/*
 * Also .data (non-zero initial value), but written by the loader while the
 * programs run: each SIGUSR1 to the loader flips it, no reload needed.
 */
bool counting = true;

/* .bss: zero-initialised globals; the ELF only records the size. */
__u64 syscalls;

/* A custom .data.* section: its own map, so it can be sized/mapped apart. */
__u64 kill_calls SEC(".data.counters") = 0;

/* .maps: BTF-defined maps.  Signals sent, by number. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} signals SEC(".maps");

static bool is_target(void)
{
	if (!counting)
		return false;
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* tp/<category>/<name>: a tracepoint program, auto-attached to that event. */
SEC("tp/syscalls/sys_enter_kill")
int count_kill(struct trace_event_raw_sys_enter *ctx)
{
	__u32 sig = (__u32)ctx->args[1];
	__u64 one = 1, *n;

	if (!is_target())
		return 0;
	__sync_fetch_and_add(&kill_calls, 1);
	last_signal = sig;
	n = bpf_map_lookup_elem(&signals, &sig);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&signals, &sig, &one, BPF_NOEXIST);
	return 0;
}

/* raw_tp/<name>: raw tracepoint, the event's raw arguments, no format. */
SEC("raw_tp/sys_enter")
int count_syscalls(struct bpf_raw_tracepoint_args *ctx)
{
	if (is_target())
		__sync_fetch_and_add(&syscalls, 1);
	return 0;
}

/* socket: a socket filter; libbpf cannot attach it by itself (needs a socket). */
SEC("socket")
int keep_all(struct __sk_buff *skb)
{
	return skb->len;
}

/* "?" + kprobe/<func>: parsed as a kprobe, but not loaded unless asked. */
SEC("?kprobe/do_nanosleep")
int on_nanosleep(void *ctx)
{
	return 0;
}

/* license: the kernel checks it; GPL-only helpers need a GPL-compatible one. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
