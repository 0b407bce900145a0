// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * One trivial program per attach kind.  common/feature.c loads and attaches
 * exactly one of them to learn whether this kernel really supports that kind:
 * a program type the kernel knows can still be unattachable (kprobes without
 * CONFIG_KPROBES) or refused at load (fentry/LSM on some kernels).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_unlinkat")
int probe_kprobe(void *ctx)
{
	return 0;
}

SEC("kretprobe/do_unlinkat")
int probe_kretprobe(void *ctx)
{
	return 0;
}

SEC("fentry/do_unlinkat")
int probe_fentry(void *ctx)
{
	return 0;
}

SEC("fexit/do_unlinkat")
int probe_fexit(void *ctx)
{
	return 0;
}

SEC("lsm/file_open")
int probe_lsm(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int probe_tracepoint(void *ctx)
{
	return 0;
}

SEC("raw_tp/sched_switch")
int probe_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int probe_tp_btf(void *ctx)
{
	return 0;
}

SEC("uprobe")
int probe_uprobe(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
