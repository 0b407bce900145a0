// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 01 loader: attach handle_tp to the sys_enter_write tracepoint and
 * show what it prints.  bpf_printk writes to the kernel's trace buffer; we
 * read /sys/kernel/tracing/trace_pipe so you see it in this terminal.
 */
#include <argp.h>
#include <stdio.h>
#include <unistd.h>
#include "helpers.h"
#include "helloworld.skel.h"

static int target_pid;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report write() calls made by PID" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'p')
		return ARGP_ERR_UNKNOWN;
	target_pid = lesson_arg_pid(state, arg);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print a line from the kernel each time a process calls write().\v"
	       "Example: helloworld -p $$    (only this shell's writes)",
	.children = lesson_argp_children,
};

int main(int argc, char **argv)
{
	struct helloworld_bpf *skel;
	int err, pipe_fd;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	skel = helloworld_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	/* .rodata can only be written between open and load. */
	skel->rodata->pid_filter = target_pid;
	skel->rodata->loader_pid = getpid();

	err = helloworld_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	/* Open (and drain) trace_pipe before attaching: only our lines follow. */
	pipe_fd = lesson_trace_pipe_open();
	if (pipe_fd < 0) {
		err = 1;
		goto cleanup;
	}
	err = helloworld_bpf__attach(skel);
	if (err) {
		close(pipe_fd);
		err = lesson_fail(err, "attaching to tracepoint syscalls/sys_enter_write");
		goto cleanup;
	}
	if (target_pid)
		printf("Tracing write() by PID %d. Ctrl-C to stop.\n", target_pid);
	else
		printf("Tracing write() by every process. Ctrl-C to stop.\n");

	err = lesson_stream_trace_pipe(pipe_fd, "BPF triggered sys_enter_write");

cleanup:
	helloworld_bpf__destroy(skel);
	return err;
}
