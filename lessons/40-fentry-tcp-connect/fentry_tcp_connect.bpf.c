// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Every outgoing IPv4 TCP connect, seen at tcp_connect(): the function that
 * builds and sends the SYN, called once per connect() after the source port
 * is chosen.  fentry first; where the kernel refuses fentry, the
 * sock:inet_sock_set_state tracepoint stands in (see tcp_state below).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fentry_tcp_connect.h"

#define AF_INET 2 /* a macro in <linux/socket.h>: not in vmlinux.h */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 dropped = 0; /* ring buffer full: events lost, reported at exit */

static __always_inline struct event *reserve(void)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		__sync_fetch_and_add(&dropped, 1);
	return e;
}

/*
 * vmlinux.h marks every struct with preserve_access_index, so these plain
 * loads are CO-RE relocations: offsets of struct sock fields come from the
 * running kernel's BTF at load time.  In fentry the verifier knows sk's
 * type and lets us dereference it directly.
 */
SEC("fentry/tcp_connect")
int BPF_PROG(tcp_connect, struct sock *sk)
{
	struct event *e;

	if (sk->__sk_common.skc_family != AF_INET)
		return 0;
	e = reserve();
	if (!e)
		return 0;
	e->saddr = sk->__sk_common.skc_rcv_saddr;
	e->daddr = sk->__sk_common.skc_daddr;
	e->sport = sk->__sk_common.skc_num; /* host order already */
	e->dport = __builtin_bswap16(sk->__sk_common.skc_dport);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * Fallback.  tcp_v4_connect() sets SYN_SENT *before* it picks the source
 * port, so one event is not enough: remember who connected (process
 * context) when SYN_SENT starts, report with the full 4-tuple when it ends
 * (SYN-ACK, RST or timeout, usually in softirq context).
 */
struct who {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct who);
} connecting SEC(".maps");

SEC("tp/sock/inet_sock_set_state")
int tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct who w = {}, *wp;
	struct event *e;

	if (ctx->protocol != IPPROTO_TCP || ctx->family != AF_INET)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT) {
		w.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(w.comm, sizeof(w.comm));
		bpf_map_update_elem(&connecting, &sk, &w, BPF_ANY);
		return 0;
	}
	if (ctx->oldstate != TCP_SYN_SENT)
		return 0;
	wp = bpf_map_lookup_elem(&connecting, &sk);
	if (!wp)
		return 0; /* connect() began before we attached */
	e = reserve();
	if (e) {
		__builtin_memcpy(&e->saddr, ctx->saddr, 4);
		__builtin_memcpy(&e->daddr, ctx->daddr, 4);
		e->sport = ctx->sport; /* the tracepoint converted both ports */
		e->dport = ctx->dport;
		e->pid = wp->pid;
		__builtin_memcpy(e->comm, wp->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&connecting, &sk);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
