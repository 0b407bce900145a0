/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What both halves agree on: one outstanding allocation. */
#ifndef MEMLEAK_H
#define MEMLEAK_H

#define MAX_STACK_DEPTH 127

/* allocs map: address returned by malloc/calloc/realloc -> this. */
struct alloc_info {
	__u64 size;
	__u64 timestamp_ns;
	__s32 stack_id; /* user stack at the return; < 0: lost */
	__u32 pad;
};

#endif
