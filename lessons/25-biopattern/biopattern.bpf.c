// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Classify every completed block request as sequential (it starts at the
 * sector where the previous request on the same disk ended) or random, and
 * keep running totals per disk.  User space reads the totals every interval
 * and prints the difference.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "biopattern.h"

/* Only this disk (kernel dev_t), set by the loader from -D; 0: every disk. */
const volatile __u32 target_dev = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct disk_counts);
} counts SEC(".maps");

/*
 * The tracepoint's record: kernels before 5.19 called its struct
 * trace_event_raw_block_rq_complete, later ones share a class
 * (block_rq_completion) with block_rq_error.  The ___old flavour lets CO-RE
 * find whichever this kernel has; field offsets are relocated either way
 * (6.10 inserted an ioprio field).
 */
struct trace_event_raw_block_rq_complete___old {
	dev_t dev;
	sector_t sector;
	unsigned int nr_sector;
} __attribute__((preserve_access_index));

SEC("tp/block/block_rq_complete")
int biopattern_rq(void *ctx)
{
	static const struct disk_counts zero;
	struct disk_counts *c;
	__u64 sector;
	__u32 dev, nr;

	if (bpf_core_type_exists(struct trace_event_raw_block_rq_completion)) {
		struct trace_event_raw_block_rq_completion *rq = ctx;

		dev = BPF_CORE_READ(rq, dev);
		sector = BPF_CORE_READ(rq, sector);
		nr = BPF_CORE_READ(rq, nr_sector);
	} else {
		struct trace_event_raw_block_rq_complete___old *rq = ctx;

		dev = BPF_CORE_READ(rq, dev);
		sector = BPF_CORE_READ(rq, sector);
		nr = BPF_CORE_READ(rq, nr_sector);
	}
	/* Flushes and other requests without data have no position. */
	if (!nr)
		return 0;
	if (target_dev && dev != target_dev)
		return 0;

	c = bpf_map_lookup_elem(&counts, &dev);
	if (!c) {
		/* First request seen on this disk: nothing to compare with. */
		bpf_map_update_elem(&counts, &dev, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, &dev);
		if (!c)
			return 0; /* map full */
		__sync_fetch_and_add(&c->random, 1);
	} else if (c->next_sector == sector) {
		__sync_fetch_and_add(&c->sequential, 1);
	} else {
		__sync_fetch_and_add(&c->random, 1);
	}
	/* Sectors are always 512 bytes here, whatever the disk's block size. */
	__sync_fetch_and_add(&c->bytes, (__u64)nr * 512);
	c->next_sector = sector + nr;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
