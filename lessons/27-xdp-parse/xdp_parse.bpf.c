// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 27: parse every frame arriving on an interface, down to the
 * transport header, with the shared parser in common/bpf/parse.h; count
 * frames per class and, when asked, send each one's headers to user space.
 * Every frame passes: the program only looks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "parse.h"
#include "xdp_parse.h"

/* Set by the loader (-p): one ring buffer event per frame. */
const volatile bool print_events = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PKT_NR_CLASSES);
	__type(key, u32);
	__type(value, u64);
} class_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Events the ring buffer had no room for; the loader reports them. */
__u64 dropped_events = 0;

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct pkt_meta m = {};
	struct event *e;
	u32 class;
	u64 *cnt;

	class = parse_packet(data, data_end, &m);
	/* Per-CPU slots: no atomics needed, the loader adds the CPUs up. */
	cnt = bpf_map_lookup_elem(&class_count, &class);
	if (cnt)
		*cnt += 1;

	if (!print_events)
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped_events, 1);
		return XDP_PASS;
	}
	__builtin_memcpy(e->saddr, m.saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, m.daddr, sizeof(e->daddr));
	e->len = data_end - data;
	e->eth_proto = m.eth_proto;
	e->vlan_id[0] = m.vlan_id[0];
	e->vlan_id[1] = m.vlan_id[1];
	e->sport = m.sport;
	e->dport = m.dport;
	e->nr_vlans = m.nr_vlans;
	e->l4_proto = m.l4_proto;
	e->class = class;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
