/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared by both halves of lesson 33. */
#ifndef USER_RINGBUF_H
#define USER_RINGBUF_H

/* What user space writes into the user ring buffer, one per value. */
struct urb_sample {
	unsigned long long seq; /* 0, 1, 2, ... in the order they were submitted */
	long long value;
};

/* What the kernel half echoes back through an ordinary ring buffer. */
struct urb_echo {
	unsigned long long seq;
	long long value;
	unsigned int drain; /* which bpf_user_ringbuf_drain() call consumed it (1, 2, ...) */
	unsigned int pad;
};

/* Running totals kept by the kernel half (in .bss). */
struct urb_totals {
	unsigned long long samples;	  /* consumed by the callback */
	long long sum;			  /* of their values */
	unsigned long long out_of_order;  /* seq was not the one expected next */
	unsigned long long next_seq;	  /* expected next */
	unsigned long long drains;	  /* bpf_user_ringbuf_drain() calls */
	unsigned long long short_samples; /* smaller than struct urb_sample */
	unsigned long long echo_dropped;  /* echo ring buffer was full */
	long long last_drain_ret;	  /* what the last drain call returned */
};

#endif
