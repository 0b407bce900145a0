// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The smoothed RTT of every IPv4 TCP connection, read when it is closed.
 * fentry/tcp_close sees each close() of a TCP socket; where fentry is
 * refused, the BTF-typed sock:inet_sock_set_state tracepoint sees the state
 * change tcp_close() makes (ESTABLISHED -> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcprtt.h"

#define AF_INET 2 /* <linux/socket.h> */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 dropped = 0; /* ring buffer full: events lost, reported at exit */

static __always_inline int report(struct sock *sk)
{
	struct tcp_sock *tp;
	struct event *e;

	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	/*
	 * A TCP socket's struct sock is the start of a struct tcp_sock.  The
	 * helper checks that (protocol and type) instead of trusting a cast,
	 * and returns a pointer the verifier knows is a tcp_sock.
	 */
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	/* CO-RE: field offsets from this kernel's BTF, at load time. */
	e->saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	e->daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* The kernel keeps 8 x the smoothed RTT (3 fraction bits). */
	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("fentry/tcp_close")
int BPF_PROG(tcp_close, struct sock *sk, long timeout)
{
	return report(sk);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcp_set_state, struct sock *sk, int oldstate, int newstate)
{
	/* The two changes close() makes on a connection that was up. */
	if ((oldstate == TCP_ESTABLISHED && newstate == TCP_FIN_WAIT1) ||
	    (oldstate == TCP_CLOSE_WAIT && newstate == TCP_LAST_ACK))
		return report(sk);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
