// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The return value of any user function: a uretprobe fires as the function
 * returns, with the registers as they are then, so PT_REGS_RC() (rax on
 * x86-64, x0 on arm64) is what the function returned.  Sent to user space
 * through a perf event array, as the ebpf-go example does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lesson.bpf.h"
#include "uretprobe.h"

const volatile bool read_str = false; /* the return value is a char * */

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("uretprobe")
int BPF_KRETPROBE(uretprobe_ret, __u64 ret)
{
	/* The perf buffer copies the record: build it on the stack. */
	struct event e = {};
	long n;

	e.ret = ret;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (read_str && ret) {
		/* An address in the traced process: read it with the _user_ helper. */
		n = read_user_str(e.str, sizeof(e.str), (const void *)ret);
		e.str_len = n > 0 ? n : 0;
	}
	/* BPF_F_CURRENT_CPU: this CPU's ring; a full ring counts as lost. */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
