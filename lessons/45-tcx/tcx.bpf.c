// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 45: two TC programs, one per direction, counting packets.  The
 * same programs work attached through tcx links (6.6+) or as clsact
 * direct-action filters (lesson 19): only the loader differs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/*
 * TCX_NEXT (-1): "no verdict, ask the next program", which for a clsact
 * filter is TC_ACT_UNSPEC, also "carry on".  Either way the packet goes on.
 */
#define VERDICT_NEXT (-1)

/* Globals in .bss: the loader reads them through the skeleton's mmap. */
__u64 ingress_pkt_count = 0;
__u64 egress_pkt_count = 0;

SEC("tc")
int ingress_prog_func(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&ingress_pkt_count, 1);
	return VERDICT_NEXT;
}

SEC("tc")
int egress_prog_func(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_pkt_count, 1);
	return VERDICT_NEXT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
