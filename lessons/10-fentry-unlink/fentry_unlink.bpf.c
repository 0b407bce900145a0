// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Watch unlinks three ways, best first: fentry/fexit on do_unlinkat()
 * (BTF-typed arguments, and fexit sees the arguments *and* the result),
 * kprobe/kretprobe on the same function, or the unlink/unlinkat syscall
 * tracepoints.  The loader asks the kernel which ones work and autoloads
 * only that pair: one object for every kernel, like libbpf-tools ship.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fentry_unlink.h"

const volatile int target_pid = 0; /* 0: every process */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline struct event *new_event(__u32 kind)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (target_pid && pid != target_pid)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL;
	e->kind = kind;
	e->pid = pid;
	e->ret = 0;
	e->filename[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline int emit(__u32 kind, int ret, const char *kpath, const char *upath)
{
	struct event *e = new_event(kind);

	if (!e)
		return 0;
	e->ret = ret;
	if (kpath)
		bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), kpath);
	else if (upath)
		bpf_probe_read_user_str(e->filename, sizeof(e->filename), upath);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* --- Best: fentry/fexit.  int do_unlinkat(int dfd, struct filename *name) --- */

/*
 * BPF_PROG unpacks the u64 array a trampoline hands us into typed
 * arguments.  The verifier knows their BTF types, so name->name is a
 * plain load: no BPF_CORE_READ, no probe_read.
 */
SEC("fentry/do_unlinkat")
int BPF_PROG(unl_fentry, int dfd, struct filename *name)
{
	return emit(EV_ENTRY, 0, name->name, NULL);
}

/* fexit gets the arguments too, then the return value last. */
SEC("fexit/do_unlinkat")
int BPF_PROG(unl_fexit, int dfd, struct filename *name, int ret)
{
	return emit(EV_EXIT, ret, name->name, NULL);
}

/* --- Second: kprobes (registers, so BPF_CORE_READ for the pointer chase) --- */

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(unl_kprobe, int dfd, struct filename *name)
{
	return emit(EV_ENTRY, 0, BPF_CORE_READ(name, name), NULL);
}

/* A kretprobe sees only the return value: the arguments are gone. */
SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unl_kretprobe, int ret)
{
	return emit(EV_EXIT, ret, NULL, NULL);
}

/* --- Last: syscall tracepoints; unlink(path) and unlinkat(dfd, path, flags) --- */

SEC("tp/syscalls/sys_enter_unlink")
int unl_tp_in(struct trace_event_raw_sys_enter *ctx)
{
	return emit(EV_ENTRY, 0, NULL, (const char *)ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int unlat_tp_in(struct trace_event_raw_sys_enter *ctx)
{
	return emit(EV_ENTRY, 0, NULL, (const char *)ctx->args[1]);
}

SEC("tp/syscalls/sys_exit_unlink")
int unl_tp_out(struct trace_event_raw_sys_exit *ctx)
{
	return emit(EV_EXIT, ctx->ret, NULL, NULL);
}

SEC("tp/syscalls/sys_exit_unlinkat")
int unlat_tp_out(struct trace_event_raw_sys_exit *ctx)
{
	return emit(EV_EXIT, ctx->ret, NULL, NULL);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
