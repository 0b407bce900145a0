// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Count hard interrupt handlers and the time they run.  irq_handler_entry
 * and irq_handler_exit bracket each handler (one pair per irqaction, so a
 * shared IRQ line shows every driver on it).  Everything is per CPU: a
 * hard IRQ handler runs with interrupts off on its CPU, so per-CPU slots
 * need no locks or atomics, and user space adds the CPUs up.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "hardirqs.h"

/* What irq_handler_entry saw on this CPU, for the matching exit. */
struct start {
	u64 ts;
	struct irq_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct start);
} start SEC(".maps");

/* (irq, handler name) -> count and time, one copy per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 256);
	__type(key, struct irq_key);
	__type(value, struct irq_stat);
} stats SEC(".maps");

SEC("tp/irq/irq_handler_entry")
int hardirq_entry(struct trace_event_raw_irq_handler_entry *ctx)
{
	u32 zero = 0;
	struct start *s = bpf_map_lookup_elem(&start, &zero);

	if (!s)
		return 0;
	s->key.irq = ctx->irq;
	/*
	 * The key is hashed byte by byte: clear what a longer name left here,
	 * or "virtio3-tx" would get a row per leftover tail.
	 */
	__builtin_memset(s->key.name, 0, sizeof(s->key.name));
	/* __data_loc: low 16 bits are the name's offset inside the record. */
	bpf_probe_read_kernel_str(s->key.name, sizeof(s->key.name),
				  (void *)ctx + (ctx->__data_loc_name & 0xFFFF));
	s->ts = bpf_ktime_get_ns(); /* last: a set ts means the key is valid */
	return 0;
}

SEC("tp/irq/irq_handler_exit")
int hardirq_exit(struct trace_event_raw_irq_handler_exit *ctx)
{
	static const struct irq_stat zero_stat;
	struct irq_stat *st;
	struct start *s;
	u32 zero = 0;
	u64 delta;

	s = bpf_map_lookup_elem(&start, &zero);
	/* No entry seen (we attached mid-handler) or a different IRQ: skip. */
	if (!s || !s->ts || s->key.irq != ctx->irq)
		return 0;
	delta = bpf_ktime_get_ns() - s->ts;
	s->ts = 0;

	st = bpf_map_lookup_elem(&stats, &s->key);
	if (!st) {
		bpf_map_update_elem(&stats, &s->key, &zero_stat, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &s->key);
		if (!st)
			return 0; /* map full */
	}
	/* Our CPU's own copy: plain adds are safe. */
	st->count++;
	st->total_ns += delta;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
