/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The kmem/mm_page_alloc tracepoint's record, written by hand from
 *	/sys/kernel/tracing/events/kmem/mm_page_alloc/format
 * (offsets in the comments).  Shared with the loader, which checks these
 * offsets against the running kernel's format file before loading.
 */
#ifndef TRACEPOINT_IN_C_H
#define TRACEPOINT_IN_C_H

struct mm_page_alloc_args {
	__u16 common_type;	   /* offset:0  size:2 */
	__u8 common_flags;	   /* offset:2  size:1 */
	__u8 common_preempt_count; /* offset:3  size:1 */
	__s32 common_pid;	   /* offset:4  size:4 */
	__u64 pfn;		   /* offset:8  size:8  unsigned long */
	__u32 order;		   /* offset:16 size:4  unsigned int */
	__u64 gfp_flags;	   /* offset:24 size:8  unsigned long (gfp_t) */
	__s32 migratetype;	   /* offset:32 size:4  int */
};

/* What the kernel half counts: slot 0 allocations, slot 1 pages (2^order each). */
enum { COUNT_ALLOCS, COUNT_PAGES, NR_COUNTS };

#endif
