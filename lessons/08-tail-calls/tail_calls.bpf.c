// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * An XDP dispatcher that tail-calls one program per IP protocol through a
 * BPF_MAP_TYPE_PROG_ARRAY.  A tail call replaces the running program: when
 * it works, the dispatcher's remaining code never runs.  When the slot is
 * empty, bpf_tail_call() returns and the dispatcher counts a miss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800

/* Per protocol: packets a case program handled, packets that found no case. */
struct tail_stat {
	__u64 handled;
	__u64 missed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct tail_stat);
	__uint(max_entries, 256);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tail_stats SEC(".maps");

/* Slot = IP protocol number; user space fills it with case programs' fds. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 256);
} jmp_table SEC(".maps");

static __always_inline struct tail_stat *stat_of(__u32 proto)
{
	return bpf_map_lookup_elem(&tail_stats, &proto);
}

/* The IPv4 protocol number, or -1 for anything that is not IPv4. */
static __always_inline int ip_proto(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	return ip->protocol;
}

SEC("xdp")
int tail_dispatch(struct xdp_md *ctx)
{
	int proto = ip_proto(ctx);
	struct tail_stat *st;

	if (proto < 0)
		return XDP_PASS;
	bpf_tail_call(ctx, &jmp_table, proto);
	/* Only reached when jmp_table[proto] holds no program. */
	st = stat_of(proto);
	if (st)
		__sync_fetch_and_add(&st->missed, 1);
	return XDP_PASS;
}

static __always_inline int handle(__u32 proto)
{
	struct tail_stat *st = stat_of(proto);

	if (st)
		__sync_fetch_and_add(&st->handled, 1);
	return XDP_PASS;
}

/* The cases: same program type as the dispatcher, same context. */
SEC("xdp")
int tail_icmp(struct xdp_md *ctx)
{
	return handle(IPPROTO_ICMP);
}

SEC("xdp")
int tail_tcp(struct xdp_md *ctx)
{
	return handle(IPPROTO_TCP);
}

SEC("xdp")
int tail_udp(struct xdp_md *ctx)
{
	return handle(IPPROTO_UDP);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
