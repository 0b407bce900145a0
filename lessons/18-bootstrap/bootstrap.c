// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 18 loader: the shape every later tool copies.  argp options, open
 * the skeleton, write .rodata, load, attach, then turn ring buffer records
 * into lines until Ctrl-C or -d.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include "helpers.h"
#include "bootstrap.h"
#include "bootstrap.skel.h"

static long min_duration_ms;

static const struct argp_option opts[] = {
	{ "min-duration", 'm', "MS", 0,
	  "Only report processes that ran at least MS milliseconds (hides EXEC lines)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'm')
		return ARGP_ERR_UNKNOWN;
	min_duration_ms = lesson_arg_long(state, arg, "minimum duration", 0, INT_MAX);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace process exec() and exit, with how long each process ran.\v"
	       "Examples:\n"
	       "  bootstrap            every exec and exit\n"
	       "  bootstrap -m 100     only exits of processes that ran >= 100 ms",
	.children = lesson_argp_children,
};

/* Called by ring_buffer__poll() for each record, in submission order. */
static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char ts[16], what[64];
	time_t now = time(NULL);

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	if (!e->exit_event) {
		printf("%-8s %-5s %-16s %-7d %-7d %s\n", ts, "EXEC", e->comm, e->pid, e->ppid,
		       e->filename);
		return 0;
	}
	/* exit_code is a wait status, decoded the way a parent's wait() would. */
	if (WIFSIGNALED(e->exit_code))
		snprintf(what, sizeof(what), "signal %d", WTERMSIG(e->exit_code));
	else
		snprintf(what, sizeof(what), "exit %d", WEXITSTATUS(e->exit_code));
	printf("%-8s %-5s %-16s %-7d %-7d %s", ts, "EXIT", e->comm, e->pid, e->ppid, what);
	if (e->duration_ns)
		printf(" (%llums)", e->duration_ns / 1000000ULL);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct bootstrap_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = bootstrap_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");

	/* .rodata is writable only between open and load. */
	skel->rodata->min_duration_ns = (unsigned long long)min_duration_ms * 1000000ULL;

	err = bootstrap_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = bootstrap_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to sched_process_exec/exit");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	if (min_duration_ms)
		printf("Tracing exits of processes that ran >= %ld ms. Ctrl-C to stop.\n",
		       min_duration_ms);
	else
		printf("Tracing exec() and exit of every process. Ctrl-C to stop.\n");
	printf("%-8s %-5s %-16s %-7s %-7s %s\n", "TIME", "EVENT", "COMM", "PID", "PPID",
	       "FILENAME/EXIT CODE");

	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	bootstrap_bpf__destroy(skel);
	return err;
}
