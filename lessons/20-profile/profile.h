/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What both halves agree on: the key of the sample counts map. */
#ifndef PROFILE_H
#define PROFILE_H

#define TASK_COMM_LEN	16
#define MAX_STACK_DEPTH 127 /* the kernel's default perf_event_max_stack */

/*
 * One entry per distinct (process, user stack, kernel stack).  A stack id
 * indexes the STACK_TRACE map; a negative id is the helper's -errno: -EFAULT
 * means "no such stack" (a kernel thread has no user stack, user code has no
 * kernel stack), anything else a stack that was lost.
 */
struct stack_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char comm[TASK_COMM_LEN];
};

#endif
