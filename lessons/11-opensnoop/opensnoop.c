// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 11 loader: print every openat() system call, optionally only one
 * process's (-p) or one user's (-u).  Events come through a perf buffer:
 * one ring per CPU, read here by perf_buffer__poll().
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/types.h>
#include "helpers.h"
#include "opensnoop.h"
#include "opensnoop.skel.h"

static struct {
	int pid;
	__u32 uid;
} opt = { .uid = INVALID_UID };

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only trace process PID" },
	{ "uid", 'u', "UID", 0, "Only trace processes whose real UID is UID" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		return 0;
	case 'u':
		/* INVALID_UID (-1 as a u32) means "no filter", so it is no UID. */
		opt.uid = (__u32)lesson_arg_long(state, arg, "UID", 0, (long)INVALID_UID - 1);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace openat() calls: who opened what, with which flags, and the result.\v"
	       "Examples: opensnoop -p 1234     opensnoop -u 1000",
	.children = lesson_argp_children,
};

static void handle_event(void *ctx, int cpu, void *data, __u32 size)
{
	const struct event *e = data;

	/* RET is the new file descriptor, or -errno (-2 = ENOENT). */
	printf("%-7u %-6u %-16s %08o %4d %s\n", e->pid, e->uid, e->comm, e->flags, e->ret,
	       e->fname);
}

static void handle_lost(void *ctx, int cpu, __u64 cnt)
{
	fprintf(stderr, "opensnoop: lost %llu events on CPU %d\n", (unsigned long long)cnt, cpu);
}

int main(int argc, char **argv)
{
	struct perf_buffer *pb = NULL;
	struct opensnoop_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = opensnoop_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	/* Filters go in .rodata: the verifier prunes the branches they disable. */
	skel->rodata->targ_pid = opt.pid;
	skel->rodata->targ_uid = opt.uid;

	err = opensnoop_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = opensnoop_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_{enter,exit}_openat");
		goto cleanup;
	}
	/* 16 pages per CPU; perf buffers have one ring per CPU. */
	pb = perf_buffer__new(bpf_map__fd(skel->maps.events), 16, handle_event, handle_lost, NULL,
			      NULL);
	if (!pb) {
		err = lesson_fail(-errno, "creating perf buffer");
		goto cleanup;
	}

	printf("Tracing openat()");
	if (opt.pid)
		printf(" by PID %d", opt.pid);
	if (opt.uid != INVALID_UID)
		printf(" by UID %u", opt.uid);
	printf(". Ctrl-C to stop.\n");
	printf("%-7s %-6s %-16s %-8s %4s %s\n", "PID", "UID", "COMM", "FLAGS", "RET", "PATH");

	err = lesson_poll_perfbuf(pb);

cleanup:
	perf_buffer__free(pb);
	opensnoop_bpf__destroy(skel);
	return err;
}
