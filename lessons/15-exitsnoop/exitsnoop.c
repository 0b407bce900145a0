// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 15 loader: read exit events from the ring buffer and print one line
 * per process that ended, with its exit status decoded.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "helpers.h"
#include "exitsnoop.h"
#include "exitsnoop.skel.h"

static struct {
	int pid;
	bool failed_only;
} env;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report the exit of process PID" },
	{ "failed", 'x', NULL, 0, "Only report exits with a non-zero code or a signal" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
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
	.doc = "Trace process exits: exit code, killing signal and lifetime.\v"
	       "Examples:\n"
	       "  exitsnoop           every process that exits\n"
	       "  exitsnoop -x        only failures and deaths by signal\n"
	       "  exitsnoop -p 1234   wait for process 1234 to end",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	/* Same encoding wait(2) hands to the parent: WEXITSTATUS/WTERMSIG. */
	unsigned int status = (e->exit_code >> 8) & 0xff, sig = e->exit_code & 0x7f;

	printf("%-16s %-7u %-7u %12.3f %4u %3u%s\n", e->comm, e->pid, e->ppid, e->lifetime_ns / 1e6,
	       status, sig, e->exit_code & 0x80 ? " (core dumped)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct exitsnoop_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = exitsnoop_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->filter_pid = env.pid;
	skel->rodata->failed_only = env.failed_only;

	err = exitsnoop_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = exitsnoop_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to sched/sched_process_exit");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing process exits. Ctrl-C to stop.\n");
	printf("%-16s %-7s %-7s %12s %4s %3s\n", "COMM", "PID", "PPID", "AGE(ms)", "CODE", "SIG");
	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	exitsnoop_bpf__destroy(skel);
	return err;
}
