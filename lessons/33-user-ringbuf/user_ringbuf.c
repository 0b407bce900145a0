// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 33 loader: send numbers to the kernel through a user ring buffer.
 * Each number becomes one sample (sequence number + value).  The kernel half
 * drains the buffer whenever this process calls getpid(): after the last
 * sample, and whenever the buffer is full.  Every consumed sample comes back
 * through an ordinary ring buffer and is printed; at the end the kernel's
 * own totals are printed next to ours.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "feature.h"
#include "helpers.h"
#include "user_ringbuf.h"
#include "user_ringbuf.skel.h"

static struct {
	long size;
	char **values; /* from the command line; NULL: read stdin */
	int nr_values;
} env = { .size = 4096 };

/* What we sent, to compare with what the kernel counted. */
static unsigned long long sent;
static long long sent_sum;

static const struct argp_option opts[] = {
	{ "size", 's', "BYTES", 0,
	  "User ring buffer size: a power of 2, at least the page size (4096)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	long page = sysconf(_SC_PAGESIZE);

	switch (key) {
	case 's':
		env.size = lesson_arg_long(state, arg, "size", page, 1L << 30);
		if (env.size & (env.size - 1))
			argp_error(state, "invalid size '%s': not a power of 2", arg);
		break;
	case ARGP_KEY_ARG:
		/* Checked here, so a bad value is a usage error (exit 64). */
		lesson_arg_long(state, arg, "value", LONG_MIN, LONG_MAX);
		if (!env.values)
			env.values = &state->argv[state->next - 1];
		env.nr_values++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "[VALUE...]",
	.doc = "Send numbers to a BPF program through a user ring buffer; print what it "
	       "consumed.\vWith no VALUE, reads one number per line from standard input.\n"
	       "Examples:\n"
	       "  user_ringbuf 10 20 30\n"
	       "  seq 1000 | user_ringbuf -s 8192",
	.children = lesson_argp_children,
};

static int handle_echo(void *ctx, void *data, size_t len)
{
	const struct urb_echo *e = data;

	printf("%-8llu %-20lld %u\n", e->seq, e->value, e->drain);
	return 0;
}

/*
 * getpid() is our doorbell: the kernel half runs on its tracepoint and
 * drains everything submitted so far.  Then print what it echoed.
 */
static int ring_doorbell(struct user_ringbuf_bpf *skel, struct ring_buffer *echoes)
{
	syscall(SYS_getpid); /* not getpid(): some libcs answered from a cache */
	if (skel->bss->totals.last_drain_ret < 0)
		return lesson_fail((int)skel->bss->totals.last_drain_ret, "bpf_user_ringbuf_drain");
	ring_buffer__consume(echoes);
	return 0;
}

static int send_one(struct user_ringbuf_bpf *skel, struct user_ring_buffer *urb,
		    struct ring_buffer *echoes, long long value)
{
	struct urb_sample *s;

	s = user_ring_buffer__reserve(urb, sizeof(*s));
	if (!s && errno == ENOSPC) {
		/* Full: let the kernel drain it, then there is room again. */
		if (ring_doorbell(skel, echoes))
			return -1;
		s = user_ring_buffer__reserve(urb, sizeof(*s));
	}
	if (!s)
		return lesson_fail(-errno, "reserving a sample in the user ring buffer"), -1;
	s->seq = sent;
	s->value = value;
	user_ring_buffer__submit(urb, s);
	sent++;
	sent_sum += value;
	return 0;
}

/* Every VALUE argument, or every line of stdin. */
static int send_all(struct user_ringbuf_bpf *skel, struct user_ring_buffer *urb,
		    struct ring_buffer *echoes)
{
	char line[64], *end;
	long long v;
	int i, n = 0;

	for (i = 0; i < env.nr_values; i++)
		if (send_one(skel, urb, echoes, strtoll(env.values[i], NULL, 10)))
			return 1;
	if (env.values)
		return 0;
	while (!lesson_exiting && fgets(line, sizeof(line), stdin)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		errno = 0;
		v = strtoll(line, &end, 10);
		if (!*line || *end || errno)
			return lesson_error("invalid value '%s' on line %d of standard input", line,
					    n);
		if (send_one(skel, urb, echoes, v))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct user_ring_buffer *urb = NULL;
	struct ring_buffer *echoes = NULL;
	struct user_ringbuf_bpf *skel;
	const struct urb_totals *t;
	char why[256];
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	/* Ask the kernel, not its version (6.1 added this map type). */
	if (feature_probe("map_type:user_ringbuf", why, sizeof(why)) != FEATURE_SUPPORTED)
		return lesson_error("kernel lacks user ring buffers: %s", why);

	skel = user_ringbuf_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->loader_pid = getpid();
	bpf_map__set_max_entries(skel->maps.samples, env.size);

	err = user_ringbuf_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = user_ringbuf_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_enter_getpid");
		goto cleanup;
	}
	urb = user_ring_buffer__new(bpf_map__fd(skel->maps.samples), NULL);
	if (!urb) {
		err = lesson_fail(-errno, "creating the user ring buffer");
		goto cleanup;
	}
	echoes = ring_buffer__new(bpf_map__fd(skel->maps.echoes), handle_echo, NULL, NULL);
	if (!echoes) {
		err = lesson_fail(-errno, "creating the echo ring buffer");
		goto cleanup;
	}

	printf("Sending samples through a %ld-byte user ring buffer; "
	       "the kernel drains it when we call getpid().\n",
	       env.size);
	printf("%-8s %-20s %s\n", "SEQ", "VALUE", "DRAIN");
	err = send_all(skel, urb, echoes);
	/* The last samples are drained by one more doorbell. */
	if (!err && sent)
		err = ring_doorbell(skel, echoes);
	if (err)
		goto cleanup;

	t = &skel->bss->totals;
	printf("sent:   %llu samples, sum %lld\n", sent, sent_sum);
	printf("kernel: %llu samples, sum %lld, %llu out of order, %llu short, "
	       "%llu drain calls\n",
	       t->samples, t->sum, t->out_of_order, t->short_samples, t->drains);
	if (t->echo_dropped)
		lesson_error("%llu echoes lost: echo ring buffer full", t->echo_dropped);
	if (t->samples != sent || t->sum != sent_sum || t->out_of_order)
		err = lesson_error("the kernel did not consume exactly what was sent");

cleanup:
	ring_buffer__free(echoes);
	user_ring_buffer__free(urb);
	user_ringbuf_bpf__destroy(skel);
	return err;
}
