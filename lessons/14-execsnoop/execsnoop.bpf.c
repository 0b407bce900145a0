// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Trace execve(): who ran what, with which arguments, and did it work.
 * Entry copies argv out of the caller's memory into a record kept in a hash
 * map; exit adds the result and pushes the record through a perf buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "lesson.bpf.h"
#include "execsnoop.h"

const volatile __u32 filter_ppid = 0; /* 0: every parent */
const volatile bool failed_only = false;

/* A zeroed record to start from: struct event is too big for the stack. */
static const struct event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* tgid: see execsnoop_exit */
	__type(value, struct event);
} execs SEC(".maps");

/* One perf ring per CPU; user space polls them all. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int execsnoop_enter(struct trace_event_raw_sys_enter *ctx)
{
	const char *const *argv = (const char *const *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 pid = bpf_get_current_pid_tgid() >> 32, ppid;
	const char *argp;
	struct event *ev;
	__u32 off;
	int i, n;

	/* The parent is a kernel pointer chain: CO-RE reads it safely. */
	ppid = BPF_CORE_READ(task, real_parent, tgid);
	if (filter_ppid && ppid != filter_ppid)
		return 0;
	if (bpf_map_update_elem(&execs, &pid, &empty_event, BPF_NOEXIST))
		return 0;
	ev = bpf_map_lookup_elem(&execs, &pid);
	if (!ev)
		return 0;
	ev->pid = pid;
	ev->ppid = ppid;
	ev->uid = (__u32)bpf_get_current_uid_gid();

	for (i = 0; i < MAX_ARGS; i++) {
		/* argv is an array of user pointers: read the pointer first... */
		if (bpf_probe_read_user(&argp, sizeof(argp), &argv[i]) || !argp)
			return 0;
		/* ...then the string it points to.  Bound the offset for the verifier. */
		off = ev->args_size;
		if (off > ARGS_SIZE - ARG_LEN)
			return 0;
		/* "" is 1 byte (its NUL) on 5.10 too, where the helper says 0. */
		n = read_user_str(&ev->args[off], ARG_LEN, argp);
		if (n < 0) {
			/*
			 * The string's page is not in memory yet (a fresh fork
			 * execs literals it never touched) and this program
			 * cannot fault it in: show "?" and go on to the next.
			 */
			ev->args[off] = '?';
			ev->args[off + 1] = '\0';
			n = 2;
		}
		ev->args_count++;
		ev->args_size += n;
	}
	/* Still more?  Say so rather than silently dropping them. */
	if (!bpf_probe_read_user(&argp, sizeof(argp), &argv[MAX_ARGS]) && argp)
		ev->truncated = 1;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int execsnoop_exit(struct trace_event_raw_sys_exit *ctx)
{
	/*
	 * Keyed by tgid, not tid: when a non-leader thread execs, it takes
	 * over the leader's PID, so only the tgid is the same on both sides.
	 */
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *ev;
	__u64 len; /* 64-bit: a u32 here loses the bound to a zero-extension */

	ev = bpf_map_lookup_elem(&execs, &pid);
	if (!ev)
		return 0;
	ev->retval = (int)ctx->ret;
	if (failed_only && ev->retval >= 0)
		goto out;
	/* After a successful exec the comm is the new program's name. */
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	/* Send only the used part of args[]: most command lines are short. */
	len = offsetof(struct event, args) + ev->args_size;
	if (len > sizeof(*ev))
		len = sizeof(*ev);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ev, len);
out:
	bpf_map_delete_elem(&execs, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
