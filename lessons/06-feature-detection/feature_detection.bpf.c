// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A kprobe program for the loader's "load, then attach" demo.  Loading asks
 * the verifier whether it knows BPF_PROG_TYPE_KPROBE; attaching asks whether
 * the kernel can put a kprobe on do_nanosleep.  They are separate questions.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 hits;

SEC("kprobe/do_nanosleep")
int nanosleep_kprobe(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
