/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * BPF-side helpers shared by lessons.  Include after vmlinux.h (or
 * linux/bpf.h) and bpf/bpf_helpers.h.
 */
#ifndef LESSON_BPF_H
#define LESSON_BPF_H

/* Slots in a log2 histogram; matches lesson_print_log2_hist() in user space. */
#define MAX_SLOTS 27

/* floor(log2(v)) without loops the verifier would have to unroll. */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32((__u32)v);
}

/*
 * The histogram slot for v, clamped to the last slot.  64-bit on purpose:
 * a 32-bit index gets zero-extended in a copy of the register the bounds
 * check was made on, and older verifiers (6.1) then see an unbounded index.
 */
static __always_inline __u64 hist_slot(__u64 v)
{
	__u64 slot = log2_u64(v);

	return slot < MAX_SLOTS ? slot : MAX_SLOTS - 1;
}

/*
 * bpf_probe_read_user_str() with one meaning on every kernel: the length
 * read including the NUL, so 1 for "", or < 0 on a fault.  Older kernels
 * (5.10 here) return 0 for "", which a caller would take for "nothing read".
 */
static __always_inline long read_user_str(void *dst, __u32 size, const void *src)
{
	long n = bpf_probe_read_user_str(dst, size, src);

	if (n == 0 && size) {
		*(char *)dst = '\0';
		n = 1;
	}
	return n;
}

#endif
