// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Outstanding allocations of one process.  uprobes on libc's malloc, calloc
 * and realloc remember the requested size per thread; the uretprobes get the
 * address the call returned and file it with the size and the user stack of
 * the caller.  free() (and realloc() of an old block) removes it.  What is
 * left in allocs is memory the process allocated and has not freed.
 *
 * Kernel mode (-m kernel) files the kernel's kmalloc()s instead, from the
 * kmem tracepoints, with kernel stacks; kfree() removes them.  The loader
 * loads one set of programs or the other.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "memleak.h"

/* Thread id -> size asked for, between a call's entry and its return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 17);
	__type(key, u64);
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__type(key, u32);
	__uint(value_size, MAX_STACK_DEPTH * sizeof(u64));
} stack_traces SEC(".maps");

/* The process to watch (a tgid; kernel mode: 0 is every process). */
const volatile pid_t target_pid = 0;

/* Nothing lost silently: the loader prints these. */
__u64 dropped_allocs = 0; /* allocs map full */
__u64 lost_stacks = 0;	  /* stack map full, or a hash collision */

static int alloc_enter(u64 size)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = id;

	if ((id >> 32) != target_pid)
		return 0;
	bpf_map_update_elem(&sizes, &tid, &size, BPF_ANY);
	return 0;
}

static int alloc_exit(struct pt_regs *ctx, u64 addr)
{
	u32 tid = bpf_get_current_pid_tgid();
	struct alloc_info info = {};
	u64 *size;

	size = bpf_map_lookup_elem(&sizes, &tid);
	if (!size)
		return 0; /* entered before we attached, or another process */
	info.size = *size;
	bpf_map_delete_elem(&sizes, &tid);
	if (!addr)
		return 0; /* the allocation failed */

	info.timestamp_ns = bpf_ktime_get_ns();
	/*
	 * At a uretprobe the registers are the caller's, just after the call:
	 * the stack starts in the function that called malloc().
	 */
	info.stack_id = bpf_get_stackid(ctx, &stack_traces, BPF_F_USER_STACK);
	if (info.stack_id < 0)
		__sync_fetch_and_add(&lost_stacks, 1);
	if (bpf_map_update_elem(&allocs, &addr, &info, BPF_ANY))
		__sync_fetch_and_add(&dropped_allocs, 1);
	return 0;
}

static int forget(u64 addr)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	bpf_map_delete_elem(&allocs, &addr);
	return 0;
}

/* uprobes are kprobe-type programs: BPF_KPROBE reads the user registers. */
SEC("uprobe")
int BPF_KPROBE(malloc_enter, size_t size)
{
	return alloc_enter(size);
}

SEC("uretprobe")
int BPF_KRETPROBE(malloc_exit, void *ret)
{
	return alloc_exit(ctx, (u64)ret);
}

SEC("uprobe")
int BPF_KPROBE(calloc_enter, size_t nmemb, size_t size)
{
	return alloc_enter(nmemb * size);
}

SEC("uretprobe")
int BPF_KRETPROBE(calloc_exit, void *ret)
{
	return alloc_exit(ctx, (u64)ret);
}

/* realloc(ptr, n): ptr is gone, a block of n bytes (maybe at ptr) is new. */
SEC("uprobe")
int BPF_KPROBE(realloc_enter, void *ptr, size_t size)
{
	forget((u64)ptr);
	return alloc_enter(size);
}

SEC("uretprobe")
int BPF_KRETPROBE(realloc_exit, void *ret)
{
	return alloc_exit(ctx, (u64)ret);
}

SEC("uprobe")
int BPF_KPROBE(free_enter, void *ptr)
{
	return forget((u64)ptr);
}

/*
 * Kernel mode.  The kmem:kmalloc record changed in 6.2: it was the class
 * kmem_alloc (shared with kmem_cache_alloc, plus kmalloc_node's own
 * kmem_alloc_node), it is now its own kmalloc (with a node field; the _node
 * tracepoint is gone).  These local flavours name only the fields read: the
 * "___suffix" is dropped when libbpf matches them with the kernel's BTF, and
 * each access is relocated to the running kernel's offset.
 */
struct trace_event_raw_kmalloc___new {
	const void *ptr;
	size_t bytes_alloc;
} __attribute__((preserve_access_index));

struct trace_event_raw_kmem_alloc___old {
	const void *ptr;
	size_t bytes_alloc;
} __attribute__((preserve_access_index));

struct trace_event_raw_kmem_alloc_node___old {
	const void *ptr;
	size_t bytes_alloc;
} __attribute__((preserve_access_index));

static int kernel_alloc(void *ctx, u64 addr, u64 size)
{
	struct alloc_info info = {};

	/* Whoever runs when kmalloc() is called: a syscall's caller, mostly. */
	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	if (!addr)
		return 0; /* the allocation failed */
	info.size = size;
	info.timestamp_ns = bpf_ktime_get_ns();
	/* flags 0: the kernel stack, starting in the allocator's caller chain. */
	info.stack_id = bpf_get_stackid(ctx, &stack_traces, 0);
	if (info.stack_id < 0)
		__sync_fetch_and_add(&lost_stacks, 1);
	if (bpf_map_update_elem(&allocs, &addr, &info, BPF_ANY))
		__sync_fetch_and_add(&dropped_allocs, 1);
	return 0;
}

/* A classic tracepoint's context is its record: plain loads, CO-RE offsets. */
SEC("tracepoint/kmem/kmalloc")
int kmalloc_tp(void *ctx)
{
	if (bpf_core_type_exists(struct trace_event_raw_kmalloc___new)) {
		struct trace_event_raw_kmalloc___new *args = ctx;

		return kernel_alloc(ctx, (u64)args->ptr, args->bytes_alloc);
	} else {
		struct trace_event_raw_kmem_alloc___old *args = ctx;

		return kernel_alloc(ctx, (u64)args->ptr, args->bytes_alloc);
	}
}

/* Before 6.2 only; the loader turns its autoload off when it is missing. */
SEC("tracepoint/kmem/kmalloc_node")
int kmalloc_node_tp(struct trace_event_raw_kmem_alloc_node___old *args)
{
	return kernel_alloc(args, (u64)args->ptr, args->bytes_alloc);
}

/*
 * kmem:kfree has had its own record since 5.12; before, it shared the class
 * kmem_free with kmem_cache_free.
 */
struct trace_event_raw_kfree___new {
	const void *ptr;
} __attribute__((preserve_access_index));

struct trace_event_raw_kmem_free___old {
	const void *ptr;
} __attribute__((preserve_access_index));

/* Freed by anyone (another task, an RCU callback): no PID filter here. */
SEC("tracepoint/kmem/kfree")
int kfree_tp(void *ctx)
{
	u64 addr;

	/*
	 * Read through bpf_core_read(): with two plain loads the compiler
	 * shares one `ctx + offset`, and the verifier refuses a load from a
	 * moved context pointer.
	 */
	if (bpf_core_type_exists(struct trace_event_raw_kfree___new))
		bpf_core_read(&addr, sizeof(addr),
			      &((struct trace_event_raw_kfree___new *)ctx)->ptr);
	else
		bpf_core_read(&addr, sizeof(addr),
			      &((struct trace_event_raw_kmem_free___old *)ctx)->ptr);
	bpf_map_delete_elem(&allocs, &addr);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
