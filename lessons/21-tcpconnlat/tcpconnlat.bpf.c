// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * TCP connect latency: the time from connect() sending the SYN to the
 * kernel processing the SYN-ACK, per socket.  Start: remember "now" keyed
 * by the struct sock pointer.  End: the first segment handled while the
 * socket is still SYN_SENT is the SYN-ACK (or a RST); if the connection
 * then is ESTABLISHED, report the difference.
 *
 * Three ways to see both ends, best first; the loader autoloads one set:
 *   fentry  tcp_v4_connect / tcp_v6_connect  +  tcp_rcv_state_process
 *   kprobe  the same functions
 *   tracepoint sock:inet_sock_set_state: CLOSE -> SYN_SENT starts,
 *              SYN_SENT -> ESTABLISHED ends (any other SYN_SENT exit: failed)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcpconnlat.h"

const volatile int target_pid = 0; /* 0: every process */

struct start {
	__u64 ts;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

/*
 * sock -> when its connect() began.  LRU: a connect that fails under the
 * fentry/kprobe hooks never reaches the end probe, so its entry just ages out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct start);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Events lost because the ring buffer was full; the loader reports it. */
__u64 dropped = 0;

/* connect() runs in the calling process: its PID and comm are "current". */
static __always_inline int connect_start(void *sk)
{
	__u64 key = (__u64)sk;
	struct start s = {};

	s.pid = bpf_get_current_pid_tgid() >> 32;
	if (target_pid && s.pid != target_pid)
		return 0;
	s.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	bpf_map_update_elem(&start, &key, &s, BPF_ANY);
	return 0;
}

/*
 * The SYN-ACK arrives in softirq context, on behalf of nobody: PID and comm
 * come from the map.  Returns the event to fill (addresses), or NULL.
 */
static __always_inline struct event *connect_end(void *sk)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct start *s;
	struct event *e;

	s = bpf_map_lookup_elem(&start, &key);
	if (!s)
		return NULL; /* connect() before we started, or filtered out */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
	} else {
		e->delta_us = (now - s->ts) / 1000;
		e->pid = s->pid;
		__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	}
	bpf_map_delete_elem(&start, &key);
	return e;
}

/* Addresses and ports from the socket itself (CO-RE reads). */
static __always_inline void fill_from_sock(struct event *e, struct sock *sk)
{
	e->af = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->af == AF_INET) {
		e->saddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		e->daddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&e->saddr_v6, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&e->daddr_v6, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
}

/* Called for every segment on a non-ESTABLISHED socket: keep SYN_SENT only. */
static __always_inline int rcv_state_process(struct sock *sk)
{
	struct event *e;

	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_SYN_SENT)
		return 0;
	e = connect_end(sk);
	if (!e)
		return 0;
	fill_from_sock(e, sk);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* --- fentry: BTF-typed arguments, trampolines instead of breakpoints --- */

SEC("fentry/tcp_v4_connect")
int BPF_PROG(connect_v4_fentry, struct sock *sk)
{
	return connect_start(sk);
}

SEC("fentry/tcp_v6_connect")
int BPF_PROG(connect_v6_fentry, struct sock *sk)
{
	return connect_start(sk);
}

SEC("fentry/tcp_rcv_state_process")
int BPF_PROG(rcv_state_fentry, struct sock *sk)
{
	return rcv_state_process(sk);
}

/* --- kprobe: the same functions, arguments from registers --- */

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(connect_v4_kprobe, struct sock *sk)
{
	return connect_start(sk);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(connect_v6_kprobe, struct sock *sk)
{
	return connect_start(sk);
}

SEC("kprobe/tcp_rcv_state_process")
int BPF_KPROBE(rcv_state_kprobe, struct sock *sk)
{
	return rcv_state_process(sk);
}

/* --- tracepoint: a stable ABI, present wherever kprobes are not --- */

SEC("tp/sock/inet_sock_set_state")
int state_tp(struct trace_event_raw_inet_sock_set_state *ctx)
{
	void *sk = (void *)ctx->skaddr;
	struct event *e;
	__u64 key;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	/* tcp_v[46]_connect() sets SYN_SENT, in the connecting process. */
	if (ctx->newstate == TCP_SYN_SENT)
		return connect_start(sk);
	if (ctx->oldstate != TCP_SYN_SENT)
		return 0;
	if (ctx->newstate != TCP_ESTABLISHED) {
		/* Refused, timed out or aborted: no latency to report. */
		key = (__u64)sk;
		bpf_map_delete_elem(&start, &key);
		return 0;
	}
	e = connect_end(sk);
	if (!e)
		return 0;
	/* The record carries the 4-tuple: no need to read the socket. */
	e->af = ctx->family;
	e->lport = ctx->sport;
	e->dport = ctx->dport;
	if (e->af == AF_INET) {
		__builtin_memcpy(&e->saddr_v4, ctx->saddr, 4);
		__builtin_memcpy(&e->daddr_v4, ctx->daddr, 4);
	} else {
		/* Copied with a helper: clang turns a memcpy into ctx+off loads. */
		bpf_probe_read_kernel(e->saddr_v6, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e->daddr_v6, 16, ctx->daddr_v6);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
