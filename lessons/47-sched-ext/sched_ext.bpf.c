// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 47: a minimal sched_ext scheduler.  The kernel calls these
 * programs through struct sched_ext_ops: ops.enqueue puts every runnable
 * task on the one global FIFO (SCX_DSQ_GLOBAL), from which each CPU takes
 * the next task itself; ops.exit records why the scheduler stopped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/libbpf_version.h>
#include "scx_types.h"
#include "sched_ext.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load (.rodata). */
const volatile bool use_dsq_insert; /* the kernel has scx_bpf_dsq_insert */
const volatile int watch_tgid;	    /* -p: also count this process's tasks */
const volatile __u64 fail_after;    /* -f: report an error at this count */

/* Read by the loader while we run (.bss). */
__u64 nr_dispatched;
__u64 nr_watched;
struct exit_record exit_rec;

/*
 * 6.13 renamed scx_bpf_dispatch to scx_bpf_dsq_insert (the old name stayed
 * a while, then went).  Both are weak: libbpf loads the object when only
 * one exists, and the call the rodata flag rules out is dead code the
 * verifier removes before it would complain.
 */
void scx_bpf_dsq_insert(struct task_struct *p, __u64 dsq_id, __u64 slice,
			__u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch(struct task_struct *p, __u64 dsq_id, __u64 slice,
		      __u64 enq_flags) __ksym __weak;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, __u32 data__sz) __ksym;

static char fail_fmt[] = "fail-after: %llu tasks dispatched";

SEC("struct_ops/minimal_enqueue")
void BPF_PROG(minimal_enqueue, struct task_struct *p, __u64 enq_flags)
{
	__u64 n = __sync_fetch_and_add(&nr_dispatched, 1) + 1;

	if (watch_tgid && p->tgid == watch_tgid)
		__sync_fetch_and_add(&nr_watched, 1);
	if (use_dsq_insert)
		scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
	else
		scx_bpf_dispatch(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);

	/* The kernel's answer to an error: disable us, tasks go back to fair. */
	if (fail_after && n == fail_after) {
		unsigned long long args[1] = { n };

		scx_bpf_error_bstr(fail_fmt, args, sizeof(args));
	}
}

/* Like scx's user_exit_info: copy the exit info out before it is freed. */
SEC("struct_ops/minimal_exit")
void BPF_PROG(minimal_exit, struct scx_exit_info *ei)
{
	exit_rec.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_rec.reason, sizeof(exit_rec.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_rec.msg, sizeof(exit_rec.msg), ei->msg);
	/* Last: the loader takes kind != 0 as "the record is complete". */
	exit_rec.kind = ei->kind;
}

/*
 * The scheduler: a struct_ops map.  ".struct_ops.link" (libbpf 1.2+) makes
 * a map whose registration is a bpf_link, gone when the loader's last fd
 * closes; libbpf 1.1 knows only ".struct_ops", and the loader asks for the
 * link itself (BPF_F_LINK + BPF_LINK_CREATE).
 */
#if LIBBPF_MAJOR_VERSION > 1 || LIBBPF_MINOR_VERSION >= 2
SEC(".struct_ops.link")
#else
SEC(".struct_ops")
#endif
struct sched_ext_ops minimal_sched = {
	.enqueue = (void *)minimal_enqueue,
	.exit = (void *)minimal_exit,
	.name = "minimal",
};
