// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 32 loader: time one function, user or kernel, and print a log2
 * histogram of its latency, like bcc's and libbpf-tools' funclatency.
 *
 *   FUNC		a kernel function: kprobe + kretprobe
 *   BINARY:FUNC	a function in a program or library: uprobe + uretprobe
 *   :FUNC		a function in the program of -p PID (/proc/PID/exe)
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "helpers.h"
#include "feature.h"
#include "funclatency.skel.h"

static struct {
	int pid;
	int unit; /* 0 ns, 1 us, 2 ms */
	long interval;
	char *func;
	char *binary; /* NULL: a kernel function */
} opt;

static const char *const unit_names[] = { "nsecs", "usecs", "msecs" };
static const __u64 unit_ns[] = { 1, 1000, 1000000 };
static char exe_path[64];

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only calls made by process PID" },
	{ "microseconds", 'u', NULL, 0, "Histogram in microseconds (default: nanoseconds)" },
	{ "milliseconds", 'm', NULL, 0, "Histogram in milliseconds" },
	{ "interval", 'i', "SECONDS", 0, "Print (and reset) the histogram every SECONDS" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *colon;

	switch (key) {
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		break;
	case 'u':
	case 'm':
		if (opt.unit && opt.unit != (key == 'u' ? 1 : 2))
			argp_error(state, "invalid unit '-%c': -u and -m exclude each other", key);
		opt.unit = key == 'u' ? 1 : 2;
		break;
	case 'i':
		opt.interval = lesson_arg_long(state, arg, "interval", 1, INT_MAX);
		break;
	case ARGP_KEY_ARG:
		if (opt.func)
			argp_error(state, "invalid argument '%s': one FUNCTION only", arg);
		colon = strrchr(arg, ':');
		opt.func = colon ? colon + 1 : arg;
		if (!*opt.func)
			argp_error(state, "invalid function '%s': no function name", arg);
		if (colon) {
			*colon = '\0';
			opt.binary = arg;
		}
		break;
	case ARGP_KEY_END:
		if (!opt.func)
			argp_error(state, "missing FUNCTION: a kernel function or BINARY:FUNCTION");
		if (opt.binary && !*opt.binary) {
			if (!opt.pid)
				argp_error(state, "invalid function ':%s': ':' needs -p PID",
					   opt.func);
			snprintf(exe_path, sizeof(exe_path), "/proc/%d/exe", opt.pid);
			opt.binary = exe_path;
		} else if (opt.binary && access(opt.binary, R_OK)) {
			argp_error(state, "invalid binary '%s': %s", opt.binary, strerror(errno));
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "FUNCTION",
	.doc = "Time a function's calls and print a latency histogram.\v"
	       "FUNCTION: a kernel function (kprobes), BINARY:FUNCTION (uprobes on a\n"
	       "program or library), or :FUNCTION with -p PID (that process's program).\n"
	       "Examples:\n"
	       "  funclatency -u ./funclat_target:nap    nap() in every process running it\n"
	       "  funclatency -m -p 1234 :nap              nap() in process 1234\n"
	       "  funclatency -u hrtimer_nanosleep         a kernel function",
	.children = lesson_argp_children,
};

/* Sleep until INTERVAL seconds have passed (0: forever) or we must stop. */
static void wait_interval(long interval)
{
	struct timespec start, now, tick = { .tv_nsec = 100L * 1000 * 1000 };

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!lesson_should_stop()) {
		nanosleep(&tick, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (interval &&
		    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
			    interval * 1000)
			break;
	}
}

/* Take and zero the counts, so no call is lost between two intervals. */
static void print_hist(struct funclatency_bpf *skel)
{
	enum { NR = sizeof(skel->bss->hist) / sizeof(skel->bss->hist[0]) };
	__u64 total, count;
	__u32 vals[NR];
	int i;

	for (i = 0; i < NR; i++)
		vals[i] = __atomic_exchange_n(&skel->bss->hist[i], 0, __ATOMIC_RELAXED);
	total = __atomic_exchange_n(&skel->bss->total_ns, 0, __ATOMIC_RELAXED);
	count = __atomic_exchange_n(&skel->bss->count, 0, __ATOMIC_RELAXED);
	printf("\n");
	lesson_print_log2_hist(vals, NR, unit_names[opt.unit]);
	if (count)
		printf("\navg = %llu %s, total: %llu %s, count: %llu\n",
		       (unsigned long long)(total / count / unit_ns[opt.unit]),
		       unit_names[opt.unit], (unsigned long long)(total / unit_ns[opt.unit]),
		       unit_names[opt.unit], (unsigned long long)count);
}

static int attach(struct funclatency_bpf *skel, struct bpf_link **links)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uentry, .func_name = opt.func);
	LIBBPF_OPTS(bpf_uprobe_opts, uexit, .func_name = opt.func, .retprobe = true);
	LIBBPF_OPTS(bpf_kprobe_opts, kexit, .retprobe = true);
	char why[256];
	int err;

	if (!opt.binary) {
		/* Ask the kernel first: "no kprobes here" is not "no such function". */
		if (feature_probe("kprobe", why, sizeof(why)) != FEATURE_SUPPORTED)
			return lesson_error("kernel lacks kprobe: %s", why);
		links[0] = bpf_program__attach_kprobe_opts(skel->progs.func_entry, opt.func, NULL);
		if (links[0])
			links[1] = bpf_program__attach_kprobe_opts(skel->progs.func_exit, opt.func,
								   &kexit);
	} else {
		/* A PID makes the kernel fire the uprobe only in that process. */
		links[0] = bpf_program__attach_uprobe_opts(
			skel->progs.func_entry, opt.pid ? opt.pid : -1, opt.binary, 0, &uentry);
		if (links[0])
			links[1] = bpf_program__attach_uprobe_opts(skel->progs.func_exit,
								   opt.pid ? opt.pid : -1,
								   opt.binary, 0, &uexit);
	}
	if (links[0] && links[1])
		return 0;
	err = -errno;
	if (opt.binary && err == -ENOENT)
		return lesson_error("no function %s() in %s (check: nm -D %s; nm %s)", opt.func,
				    opt.binary, opt.binary, opt.binary);
	if (!opt.binary && err == -ENOENT)
		return lesson_error(
			"no kernel function %s() to probe (check: grep -w %s "
			"/proc/kallsyms; inlined or notrace functions cannot be probed)",
			opt.func, opt.func);
	return lesson_fail(err, "attaching to %s()", opt.func);
}

int main(int argc, char **argv)
{
	struct bpf_link *links[2] = {};
	struct funclatency_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = funclatency_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->filter_tgid = opt.pid;
	skel->rodata->unit_ns = unit_ns[opt.unit];
	err = funclatency_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = attach(skel, links);
	if (err)
		goto cleanup;

	if (opt.binary)
		printf("Tracing %s() in %s", opt.func, opt.binary);
	else
		printf("Tracing kernel function %s()", opt.func);
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Hit Ctrl-C to end.\n");

	do {
		wait_interval(opt.interval);
		print_hist(skel);
	} while (!lesson_should_stop());
	if (skel->bss->missed)
		fprintf(stderr, "funclatency: %llu calls not timed (too many threads inside)\n",
			(unsigned long long)skel->bss->missed);

cleanup:
	bpf_link__destroy(links[1]);
	bpf_link__destroy(links[0]);
	funclatency_bpf__destroy(skel);
	return err;
}
