// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A sockops program: the kernel calls it at points in the life of every TCP
 * socket created by a process in the cgroup it is attached to, with
 * skops->op saying which.  No kprobe, no tracepoint: a stable hook any
 * kernel with cgroup v2 has.
 *
 * When a connection is established (either side) the program asks for RTT
 * callbacks on that socket, and stores its 4-tuple in socket-local storage;
 * on every RTT callback it sends the stored tuple and the new smoothed RTT.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "tcprtt_sockops.h"

#define AF_INET 2 /* <linux/socket.h> */

/* Per-socket storage: lives and dies with the socket, no key to clean up. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sk_key);
} estab SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rtt_events SEC(".maps");

__u64 dropped = 0; /* ring buffer full: events lost, reported at exit */

static __always_inline void established(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct sk_key *key;

	if (!sk)
		return;
	/* From now on the kernel calls us with BPF_SOCK_OPS_RTT_CB. */
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTT_CB_FLAG);
	key = bpf_sk_storage_get(&estab, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!key)
		return;
	key->saddr = skops->local_ip4;
	key->daddr = skops->remote_ip4;
	key->sport = skops->local_port; /* host order */
	/* remote_port: network order, in the upper 16 bits of the u32. */
	key->dport = bpf_ntohl(skops->remote_port);
}

static __always_inline void rtt_sample(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct rtt_event *e;
	struct sk_key *key;

	if (!sk)
		return;
	key = bpf_sk_storage_get(&estab, sk, NULL, 0);
	if (!key)
		return; /* established before we attached: never flagged */
	e = bpf_ringbuf_reserve(&rtt_events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return;
	}
	e->saddr = key->saddr;
	e->daddr = key->daddr;
	e->sport = key->sport;
	e->dport = key->dport;
	/* 8 x the smoothed RTT, like tcp_sock's field it is copied from. */
	e->srtt_us = skops->srtt_us >> 3;
	bpf_ringbuf_submit(e, 0);
}

SEC("sockops")
int sockops_rtt(struct bpf_sock_ops *skops)
{
	if (skops->family != AF_INET)
		return 1;
	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:  /* we connected */
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: /* we accepted */
		established(skops);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		rtt_sample(skops);
		break;
	}
	/* For sockops the return value is a reply to some ops; 1 = ok. */
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
