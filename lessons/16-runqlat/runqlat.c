// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 16 loader: choose tp_btf or raw_tp by probing the kernel, attach
 * one set of programs, and print the histogram every INTERVAL seconds
 * (COUNT times), or once at Ctrl-C / -d, like bcc's runqlat.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "helpers.h"
#include "feature.h"
#include "runqlat.skel.h"

enum { OPT_RAW_TP = 1000 };

static struct {
	int pid;
	bool msecs;
	bool force_raw_tp;
	long interval; /* seconds between histograms; 0: only at the end */
	long count;    /* histograms to print; 0: until stopped */
} env;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only measure threads of process PID" },
	{ "milliseconds", 'm', NULL, 0, "Histogram in milliseconds (default: microseconds)" },
	{ "raw-tp", OPT_RAW_TP, NULL, 0, "Use raw_tp programs even if tp_btf works" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'm':
		env.msecs = true;
		break;
	case OPT_RAW_TP:
		env.force_raw_tp = true;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			env.interval = lesson_arg_long(state, arg, "interval", 1, INT_MAX);
		else if (state->arg_num == 1)
			env.count = lesson_arg_long(state, arg, "count", 1, INT_MAX);
		else
			argp_error(state, "invalid argument '%s': at most INTERVAL and COUNT", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "[INTERVAL [COUNT]]",
	.doc = "Summarize run-queue (scheduler) latency as a histogram.\v"
	       "Examples:\n"
	       "  runqlat             one histogram at Ctrl-C\n"
	       "  runqlat 1 5         five 1-second histograms\n"
	       "  runqlat -m -p 185   milliseconds, threads of PID 185 only",
	.children = lesson_argp_children,
};

static long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Sleep until INTERVAL seconds have passed or we are told to stop.  Compare
 * nanoseconds: whole seconds would end a 1 s interval started at x.9 s after
 * 0.1 s.
 */
static void wait_interval(long interval)
{
	struct timespec tick = { .tv_nsec = 100L * 1000 * 1000 };
	long long end = monotonic_ns() + interval * 1000000000LL;

	while (!lesson_should_stop()) {
		nanosleep(&tick, NULL);
		if (interval && monotonic_ns() >= end)
			break;
	}
}

/* Take the counts and zero them in one step, so no sample is lost between. */
static void print_hist(struct runqlat_bpf *skel)
{
	enum { NR = sizeof(skel->bss->hist) / sizeof(skel->bss->hist[0]) };
	__u32 vals[NR];
	int i;

	for (i = 0; i < NR; i++)
		vals[i] = __atomic_exchange_n(&skel->bss->hist[i], 0, __ATOMIC_RELAXED);
	printf("\n");
	lesson_print_log2_hist(vals, NR, env.msecs ? "msecs" : "usecs");
}

/* Load exactly one of the two program sets. */
static void choose(struct runqlat_bpf *skel, bool btf)
{
	bpf_program__set_autoload(skel->progs.runqlat_wakeup, btf);
	bpf_program__set_autoload(skel->progs.runqlat_wakenew, btf);
	bpf_program__set_autoload(skel->progs.runqlat_switch, btf);
	bpf_program__set_autoload(skel->progs.runqlat_raw_wk, !btf);
	bpf_program__set_autoload(skel->progs.runqlat_raw_wkn, !btf);
	bpf_program__set_autoload(skel->progs.runqlat_raw_sw, !btf);
}

int main(int argc, char **argv)
{
	struct runqlat_bpf *skel;
	char why[256] = "forced with --raw-tp";
	bool btf = false;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	if (!env.interval)
		env.count = 1; /* no interval: one histogram, at the end */

	/* Ask the kernel, by loading and attaching a tiny tp_btf program. */
	if (!env.force_raw_tp)
		btf = feature_probe("tp_btf", why, sizeof(why)) == FEATURE_SUPPORTED;

	skel = runqlat_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->filter_tgid = env.pid;
	skel->rodata->msecs = env.msecs;
	choose(skel, btf);

	err = runqlat_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	/* Only programs that were loaded get attached. */
	err = runqlat_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to sched_wakeup/sched_wakeup_new/sched_switch");
		goto cleanup;
	}
	if (btf)
		printf("Tracing run queue latency (tp_btf)... Hit Ctrl-C to end.\n");
	else
		printf("Tracing run queue latency (raw_tp: %s)... Hit Ctrl-C to end.\n", why);

	for (;;) {
		wait_interval(env.interval);
		print_hist(skel);
		if (lesson_should_stop() || (env.count && --env.count == 0))
			break;
	}

cleanup:
	runqlat_bpf__destroy(skel);
	return err;
}
