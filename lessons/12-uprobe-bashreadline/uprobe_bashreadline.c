// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 12 loader: attach a uretprobe to readline() in bash (or any binary
 * or library that exports it) and print each line it returns.  libbpf finds
 * the function's offset in the ELF file from its name (func_name).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "helpers.h"
#include "uprobe_bashreadline.h"
#include "uprobe_bashreadline.skel.h"

static struct {
	const char *binary;
	int pid;
} opt = { .binary = "/bin/bash" };

static const struct argp_option opts[] = {
	{ "binary", 'b', "PATH", 0, "ELF file that exports readline() (default: /bin/bash)" },
	{ "pid", 'p', "PID", 0, "Only the shell with this PID" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'b':
		opt.binary = arg;
		return 0;
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print the command lines typed into interactive bash shells.\v"
	       "Example: uprobe_bashreadline -p $$    (then type in that shell)",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char ts[16];
	time_t t = time(NULL);

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("%-8s %-7u %s\n", ts, e->pid, e->line);
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = "readline", .retprobe = true);
	struct uprobe_bashreadline_bpf *skel;
	struct ring_buffer *rb = NULL;
	struct bpf_link *link = NULL;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	if (access(opt.binary, R_OK))
		return lesson_error("cannot read '%s': %s", opt.binary, strerror(errno));

	skel = uprobe_bashreadline_bpf__open_and_load();
	if (!skel)
		return lesson_fail(-errno, "loading BPF object");

	/*
	 * pid -1: every process that runs this file; a PID: the kernel only
	 * fires the probe in that process.  Offset 0 + func_name: libbpf looks
	 * readline up in the ELF symbol tables and computes the file offset.
	 */
	link = bpf_program__attach_uprobe_opts(skel->progs.bash_readline, opt.pid ? opt.pid : -1,
					       opt.binary, 0, &uopts);
	if (!link) {
		err = -errno;
		if (err == -ENOENT)
			err = lesson_error(
				"no function readline() in %s (check: nm -D %s | grep readline;"
				" if it links libreadline, use -b with that library)",
				opt.binary, opt.binary);
		else
			err = lesson_fail(err, "attaching uretprobe to readline() in %s",
					  opt.binary);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing readline() in %s", opt.binary);
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Ctrl-C to stop.\n");
	printf("%-8s %-7s %s\n", "TIME", "PID", "COMMAND");

	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	uprobe_bashreadline_bpf__destroy(skel);
	return err;
}
