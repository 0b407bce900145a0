// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 13 loader: attach the kill() entry/exit pair and print one line per
 * completed kill() call from the ring buffer.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "helpers.h"
#include "sigsnoop.h"
#include "sigsnoop.skel.h"

static struct {
	int pid;
	int sig;
	bool failed_only;
} env;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only show signals sent by PID" },
	{ "signal", 's', "SIG", 0, "Only show signal number SIG (see kill -l)" },
	{ "failed", 'x', NULL, 0, "Only show kill() calls that failed" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 's':
		env.sig = (int)lesson_arg_long(state, arg, "signal", 1, NSIG - 1);
		break;
	case 'x':
		env.failed_only = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace signals sent with kill(): sender, signal, target and result.\v"
	       "Examples:\n"
	       "  sigsnoop            every kill() on the system\n"
	       "  sigsnoop -x         only the ones that failed\n"
	       "  sigsnoop -s 9       only SIGKILL",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	printf("%-7u %-16s %-4d %-7d %d\n", e->pid, e->comm, e->sig, e->tpid, e->ret);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct sigsnoop_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = sigsnoop_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->filter_pid = env.pid;
	skel->rodata->filter_sig = env.sig;
	skel->rodata->failed_only = env.failed_only;

	err = sigsnoop_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = sigsnoop_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_{enter,exit}_kill");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing kill() signals. Ctrl-C to stop.\n");
	printf("%-7s %-16s %-4s %-7s %s\n", "PID", "COMM", "SIG", "TPID", "RESULT");
	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	sigsnoop_bpf__destroy(skel);
	return err;
}
