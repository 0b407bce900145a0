// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 14 loader: open a perf buffer on the events map and print one line
 * per execve() with its arguments.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "helpers.h"
#include "execsnoop.h"
#include "execsnoop.skel.h"

static struct {
	int ppid;
	bool failed_only;
} env;

static const struct argp_option opts[] = {
	{ "ppid", 'P', "PPID", 0, "Only show programs started by parent PPID" },
	{ "failed", 'x', NULL, 0, "Only show execve() calls that failed" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'P':
		env.ppid = lesson_arg_pid(state, arg);
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
	.doc = "Trace execve(): every new program, its parent and its arguments.\v"
	       "Examples:\n"
	       "  execsnoop           every exec on the system\n"
	       "  execsnoop -P $$     programs this shell starts\n"
	       "  execsnoop -x        only execs that failed",
	.children = lesson_argp_children,
};

static void handle_event(void *ctx, int cpu, void *data, __u32 size)
{
	const struct event *e = data;
	__u32 i, len = e->args_size;

	/* The kernel sent only the used bytes; never trust more than arrived. */
	if (size < offsetof(struct event, args) || len > size - offsetof(struct event, args))
		return;
	printf("%-16s %-7u %-7u %-6u %4d ", e->comm, e->pid, e->ppid, e->uid, e->retval);
	/* args holds "argv0\0argv1\0...": print the NULs as spaces. */
	for (i = 0; i < len; i++) {
		unsigned char c = e->args[i];

		if (!c)
			c = i + 1 < len ? ' ' : '\0';
		else if (c < ' ' || c == 0x7f)
			c = '?'; /* keep one exec on one line */
		if (c)
			putchar(c);
	}
	printf("%s\n", e->truncated ? " ..." : "");
}

static void handle_lost(void *ctx, int cpu, __u64 count)
{
	fprintf(stderr, "lost %llu events on CPU %d\n", (unsigned long long)count, cpu);
}

int main(int argc, char **argv)
{
	struct perf_buffer *pb = NULL;
	struct execsnoop_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = execsnoop_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->filter_ppid = env.ppid;
	skel->rodata->failed_only = env.failed_only;

	err = execsnoop_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = execsnoop_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_{enter,exit}_execve");
		goto cleanup;
	}
	/* 64 pages per CPU; libbpf opens one perf event per CPU behind this. */
	pb = perf_buffer__new(bpf_map__fd(skel->maps.events), 64, handle_event, handle_lost, NULL,
			      NULL);
	if (!pb) {
		err = lesson_fail(-errno, "opening perf buffer");
		goto cleanup;
	}

	printf("Tracing execve(). Ctrl-C to stop.\n");
	printf("%-16s %-7s %-7s %-6s %4s %s\n", "PCOMM", "PID", "PPID", "UID", "RET", "ARGS");
	err = lesson_poll_perfbuf(pb);

cleanup:
	perf_buffer__free(pb);
	execsnoop_bpf__destroy(skel);
	return err;
}
