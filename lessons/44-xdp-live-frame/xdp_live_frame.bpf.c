// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 44: an XDP program that is never attached.  The loader runs it
 * with BPF_PROG_RUN in "live frames" mode: the kernel builds a real frame
 * from the bytes the loader gave, runs the program on it, and carries out
 * its verdict, so XDP_TX / XDP_REDIRECT really transmit.  Repeat N times
 * and it is a packet generator.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* 0: XDP_TX out of the interface the frame "arrived" on; else redirect here. */
const volatile __u32 redirect_ifindex = 0;

/* How many times the program ran: frames handed to the driver. */
__u64 runs = 0;

SEC("xdp")
int xdp_prog_func(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&runs, 1);
	if (redirect_ifindex)
		return bpf_redirect(redirect_ifindex, 0);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
