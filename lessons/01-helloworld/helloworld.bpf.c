// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Say hello from the kernel every time a process calls write(): the
 * tutorial's first program, with its PID filter.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * const volatile globals land in .rodata: the loader sets them after open and
 * before load, and the verifier then sees constants (dead branches vanish).
 * volatile stops clang from folding the 0 in at compile time.
 */
const volatile int pid_filter = 0; /* 0: every process */
const volatile int loader_pid = 0; /* our loader: its own output is a write() too */

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	int pid = bpf_get_current_pid_tgid() >> 32; /* upper half: tgid = PID */

	if (pid_filter && pid != pid_filter)
		return 0;
	if (pid == loader_pid)
		return 0;
	bpf_printk("BPF triggered sys_enter_write from PID %d.\n", pid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
