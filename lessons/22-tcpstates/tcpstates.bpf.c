// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpstates: one event per TCP state change, from the sock:inet_sock_set_state
 * tracepoint, with how long the socket spent in the state it leaves (a hash
 * map remembers when each socket last changed state).
 *
 * tcprtt: optionally a log2 histogram of smoothed RTTs, sampled on every
 * segment handled by tcp_rcv_established() - through fentry, or through the
 * tcp:tcp_probe tracepoint that function fires first thing (tp_btf: the
 * same typed struct sock *, no kprobe or trampoline needed).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lesson.bpf.h"
#include "tcpstates.h"

/* Port filters (host byte order), 0: any.  Set by the loader (-L, -D). */
const volatile __u16 target_sport = 0;
const volatile __u16 target_dport = 0;

/* struct sock * -> ktime of its last state change. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} last_change SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 dropped = 0; /* ring buffer full: events lost, reported at exit */

/* RTT histogram, microseconds: slot i counts [2^i, 2^(i+1)). */
__u32 rtt_hist[MAX_SLOTS] = {};

static __always_inline bool port_wanted(__u16 sport, __u16 dport)
{
	return (!target_sport || sport == target_sport) && (!target_dport || dport == target_dport);
}

SEC("tp/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr, now = bpf_ktime_get_ns(), *then;
	struct event *e;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (!port_wanted(ctx->sport, ctx->dport))
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
	} else {
		then = bpf_map_lookup_elem(&last_change, &sk);
		e->delta_us = then ? (now - *then) / 1000 : 0;
		e->skaddr = sk;
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->oldstate = ctx->oldstate;
		e->newstate = ctx->newstate;
		e->family = ctx->family;
		e->sport = ctx->sport;
		e->dport = ctx->dport;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		/* A helper copy: clang would turn memcpy into ctx+offset loads. */
		if (ctx->family == AF_INET) {
			bpf_probe_read_kernel(e->saddr, 4, ctx->saddr);
			bpf_probe_read_kernel(e->daddr, 4, ctx->daddr);
		} else {
			bpf_probe_read_kernel(e->saddr, 16, ctx->saddr_v6);
			bpf_probe_read_kernel(e->daddr, 16, ctx->daddr_v6);
		}
		bpf_ringbuf_submit(e, 0);
	}

	/* CLOSE is the end of a socket's story: forget it. */
	if (ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&last_change, &sk);
	else
		bpf_map_update_elem(&last_change, &sk, &now, BPF_ANY);
	return 0;
}

/* tcp_sock embeds sock: the same pointer, read with CO-RE. */
static __always_inline int record_rtt(struct sock *sk)
{
	__u16 sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 srtt;

	if (!port_wanted(sport, dport))
		return 0;
	/* srtt_us holds 8 x the smoothed RTT (fixed point, 3 fraction bits). */
	srtt = BPF_CORE_READ(tp, srtt_us) >> 3;
	if (!srtt)
		return 0; /* no RTT sample yet */
	__sync_fetch_and_add(&rtt_hist[hist_slot(srtt)], 1);
	return 0;
}

SEC("fentry/tcp_rcv_established")
int BPF_PROG(rtt_fentry, struct sock *sk)
{
	return record_rtt(sk);
}

/* trace_tcp_probe(sk, skb) is the first thing tcp_rcv_established() does. */
SEC("tp_btf/tcp_probe")
int BPF_PROG(rtt_tp_btf, struct sock *sk, struct sk_buff *skb)
{
	return record_rtt(sk);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
