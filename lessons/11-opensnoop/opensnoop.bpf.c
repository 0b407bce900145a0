// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * opensnoop: every openat() with who called it, what it asked for and what
 * it got.  The entry tracepoint knows the arguments, the exit tracepoint the
 * result; a hash map keyed by thread ID carries the first to the second.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "opensnoop.h"

/* Filters, set by the loader before load: constants to the verifier. */
const volatile __u32 targ_pid = 0;	     /* 0: any process */
const volatile __u32 targ_uid = INVALID_UID; /* INVALID_UID: any user */

struct args {
	const char *fname; /* user pointer, read at exit */
	int flags;
};

/* tid -> arguments of the openat() that thread is in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct args);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	struct args args;

	if (targ_pid && pid != targ_pid)
		return 0;
	if (targ_uid != INVALID_UID && uid != targ_uid)
		return 0;
	/* openat(int dfd, const char *filename, int flags, umode_t mode) */
	args.fname = (const char *)ctx->args[1];
	args.flags = (int)ctx->args[2];
	bpf_map_update_elem(&start, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event e = {};
	struct args *ap;

	ap = bpf_map_lookup_elem(&start, &tid);
	if (!ap)
		return 0; /* filtered out at entry, or we attached mid-call */
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.uid = (__u32)bpf_get_current_uid_gid();
	e.flags = ap->flags;
	e.ret = ctx->ret;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	/*
	 * Read the path now, not at entry: the kernel has just copied it, so
	 * the page is present.  A BPF program cannot take a page fault, and
	 * at entry the string may still be on a page never touched.
	 */
	bpf_probe_read_user_str(e.fname, sizeof(e.fname), ap->fname);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
