// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 35 loader: print every execve() call the kernel half sends through
 * the ring buffer, and account for the ones it could not send.  --size sets
 * the buffer's size, --consume-delay lets it fill up before we read.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "ringbuffer.h"
#include "ringbuffer.skel.h"

enum { OPT_SIZE = 1000, OPT_DELAY };
static const char *const api_names[] = { "reserve", "output", NULL };

static struct {
	bool use_output;
	const char *comm;
	long size;
	long delay;
	unsigned long long received;
} env = { .size = 256L * 1024 };

static const struct argp_option opts[] = {
	{ "api", 'a', "API", 0, "reserve (bpf_ringbuf_reserve/submit, default) or output" },
	{ "comm", 'c', "COMM", 0, "Only report execve() called by processes named COMM" },
	{ "size", OPT_SIZE, "BYTES", 0, "Ring buffer size: a power of 2, at least 4096" },
	{ "consume-delay", OPT_DELAY, "SECONDS", 0,
	  "Attach, then wait SECONDS (or until Ctrl-C) before reading anything" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'a':
		env.use_output = lesson_arg_choice(state, arg, "API", api_names) == 1;
		break;
	case 'c':
		if (!*arg || strlen(arg) >= TASK_COMM_LEN)
			argp_error(state, "invalid COMM '%s': names are 1 to 15 characters", arg);
		env.comm = arg;
		break;
	case OPT_SIZE:
		env.size = lesson_arg_long(state, arg, "size", 4096, 1L << 30);
		/* The kernel wants a power of 2 and a multiple of the page size. */
		if (env.size & (env.size - 1) || env.size % getpagesize())
			argp_error(state, "invalid size '%s': want a power of 2, a multiple of %d",
				   arg, getpagesize());
		break;
	case OPT_DELAY:
		env.delay = lesson_arg_long(state, arg, "delay", 0, 3600);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print execve() calls sent through a BPF ring buffer; count what a full "
	       "buffer drops.\v"
	       "Examples:\n"
	       "  ringbuffer                                 every execve()\n"
	       "  ringbuffer -a output                       bpf_ringbuf_output() instead\n"
	       "  ringbuffer --size 4096 --consume-delay 5   let a tiny buffer overflow",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	env.received++;
	printf("%-7u %-16s %s\n", e->pid, e->comm, e->filename);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct ringbuffer_bpf *skel;
	__u64 reported = 0;
	int err = 0, ticks = 0;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	skel = ringbuffer_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->use_output = env.use_output;
	if (env.comm)
		strncpy((char *)skel->rodata->comm_filter, env.comm, TASK_COMM_LEN - 1);
	/* A ring buffer's max_entries is its size in bytes. */
	err = bpf_map__set_max_entries(skel->maps.events, env.size);
	if (err) {
		err = lesson_fail(err, "setting ring buffer size");
		goto cleanup;
	}

	err = ringbuffer_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = ringbuffer_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_enter_execve");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing execve() through a %ld-byte ring buffer (%s). Ctrl-C to stop.\n", env.size,
	       env.use_output ? "bpf_ringbuf_output" : "bpf_ringbuf_reserve/submit");
	if (env.delay) {
		/* Nobody reads: the buffer fills, and the kernel half starts dropping. */
		printf("Not reading for %ld s.\n", env.delay);
		for (ticks = 0; ticks < env.delay * 10 && !lesson_exiting; ticks++)
			usleep(100 * 1000);
	}
	printf("%-7s %-16s %s\n", "PID", "COMM", "FILENAME");

	/* lesson_poll_ringbuf(), plus a look at the drop counter every second. */
	while (!lesson_should_stop()) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR)
			err = 0;
		if (err < 0) {
			err = lesson_fail(err, "polling ring buffer");
			goto cleanup;
		}
		err = 0;
		if (++ticks % 10 == 0 && skel->bss->dropped != reported) {
			reported = skel->bss->dropped;
			printf("Dropped %llu events so far: the ring buffer was full\n",
			       (unsigned long long)reported);
		}
	}
	/* What arrived before the stop still counts. */
	ring_buffer__consume(rb);
	printf("Received %llu events, dropped %llu (ring buffer full)\n", env.received,
	       (unsigned long long)skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	ringbuffer_bpf__destroy(skel);
	return err;
}
