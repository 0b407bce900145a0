// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Watch files being unlinked, two ways.  The tutorial's way: a kprobe on the
 * kernel function do_unlinkat() (its filename argument) and a kretprobe on
 * its return (the result).  The fallback for kernels without kprobes: the
 * stable syscall tracepoints of unlink() and unlinkat(), the two system
 * calls that end up in do_unlinkat().  The loader loads one pair of paths
 * only (bpf_program__set_autoload), so the same object serves both kernels.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kprobe_unlink.h"

const volatile int target_pid = 0; /* 0: every process */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A ring buffer slot with pid and comm filled in, or NULL (filtered, full). */
static __always_inline struct event *new_event(__u32 kind)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (target_pid && pid != target_pid)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL; /* full: user space is behind, drop this one */
	e->kind = kind;
	e->pid = pid;
	e->ret = 0;
	e->filename[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* --- Path 1: kprobes.  int do_unlinkat(int dfd, struct filename *name) --- */

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(unlink_kprobe, int dfd, struct filename *name)
{
	struct event *e = new_event(EV_ENTRY);
	const char *path;

	if (!e)
		return 0;
	/*
	 * name points into kernel memory: a plain name->name would not pass the
	 * verifier.  BPF_CORE_READ reads it with bpf_probe_read_kernel and
	 * records a CO-RE relocation, so the offset of ->name is fixed up at
	 * load time for the running kernel's struct filename.
	 */
	path = BPF_CORE_READ(name, name);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), path);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unlink_kretprb, int ret)
{
	struct event *e = new_event(EV_EXIT);

	if (!e)
		return 0;
	e->ret = ret;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* --- Path 2: syscall tracepoints; the path is still a user pointer here --- */

static __always_inline int tp_enter(const char *upath)
{
	struct event *e = new_event(EV_ENTRY);

	if (!e)
		return 0;
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), upath);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int tp_exit(long ret)
{
	struct event *e = new_event(EV_EXIT);

	if (!e)
		return 0;
	e->ret = ret;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* unlink(const char *pathname): coreutils `unlink`, Python os.unlink() */
SEC("tp/syscalls/sys_enter_unlink")
int unlink_tp_in(struct trace_event_raw_sys_enter *ctx)
{
	return tp_enter((const char *)ctx->args[0]);
}

/* unlinkat(int dfd, const char *pathname, int flags): coreutils `rm` */
SEC("tp/syscalls/sys_enter_unlinkat")
int unlinkat_tp_in(struct trace_event_raw_sys_enter *ctx)
{
	return tp_enter((const char *)ctx->args[1]);
}

SEC("tp/syscalls/sys_exit_unlink")
int unlink_tp_out(struct trace_event_raw_sys_exit *ctx)
{
	return tp_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_unlinkat")
int unlinkat_tp_out(struct trace_event_raw_sys_exit *ctx)
{
	return tp_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
