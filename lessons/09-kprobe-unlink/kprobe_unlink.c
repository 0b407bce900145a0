// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 09 loader: report every unlink with a kprobe/kretprobe pair on
 * do_unlinkat(), or, where this kernel has no kprobes, with the unlink and
 * unlinkat syscall tracepoints.  The choice is made by asking the kernel
 * (feature_probe), then only the chosen programs are loaded.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include "helpers.h"
#include "feature.h"
#include "hook.h"
#include "kprobe_unlink.h"
#include "kprobe_unlink.skel.h"

enum mode { MODE_AUTO, MODE_KPROBE, MODE_TRACEPOINT };
static const char *const mode_names[] = { "auto", "kprobe", "tracepoint", NULL };

static struct {
	enum mode mode;
	int pid;
} opt;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report unlinks by process PID" },
	{ "mode", 'm', "MODE", 0, "auto (default), kprobe or tracepoint" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		return 0;
	case 'm':
		opt.mode = lesson_arg_choice(state, arg, "mode", mode_names);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace unlinks: kprobe/kretprobe on do_unlinkat, or the unlink/unlinkat "
	       "syscall tracepoints where kprobes are missing.\v"
	       "Example: kprobe_unlink -m tracepoint -p 1234",
	.children = lesson_argp_children,
};

/* Both probes attach the same way, so ask about both. */
static bool kprobes_work(char *why, size_t len)
{
	return feature_probe("kprobe", why, len) == FEATURE_SUPPORTED &&
	       feature_probe("kretprobe", why, len) == FEATURE_SUPPORTED;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	if (e->kind == EV_ENTRY)
		printf("%-5s %-7u %-16s filename=%s\n", "ENTRY", e->pid, e->comm, e->filename);
	else
		printf("%-5s %-7u %-16s ret=%d\n", "EXIT", e->pid, e->comm, e->ret);
	return 0;
}

/*
 * arm64 (like every newer port) has no unlink(2), only unlinkat(2): its
 * kernels have no syscalls/sys_enter_unlink tracepoint to attach to.
 */
static bool syscall_tp_exists(const char *name)
{
	const char *tracefs = lesson_ensure_tracefs();
	char path[256];

	if (!tracefs)
		return true; /* let the attach say what is wrong */
	snprintf(path, sizeof(path), "%s/events/syscalls/%s", tracefs, name);
	return access(path, F_OK) == 0;
}

int main(int argc, char **argv)
{
	struct kprobe_unlink_bpf *skel;
	struct ring_buffer *rb = NULL;
	bool use_kprobe;
	char why[256];
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* Pick a path by asking the kernel, not by reading its version. */
	use_kprobe = false;
	if (opt.mode != MODE_TRACEPOINT) {
		use_kprobe = kprobes_work(why, sizeof(why));
		if (!use_kprobe && opt.mode == MODE_KPROBE)
			return lesson_error("kprobe mode unavailable: %s", why);
		if (!use_kprobe)
			fprintf(stderr,
				"kprobe_unlink: kprobes unavailable (%s): "
				"falling back to the unlink/unlinkat syscall tracepoints\n",
				why);
	}

	skel = kprobe_unlink_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_pid = opt.pid;

	/*
	 * A program that is not autoloaded is neither loaded nor attached by
	 * the skeleton: on a kernel without kprobes, loading unlink_kprobe
	 * would work but attaching it would fail and take everything down.
	 */
	bpf_program__set_autoload(skel->progs.unlink_kprobe, use_kprobe);
	bpf_program__set_autoload(skel->progs.unlink_kretprb, use_kprobe);
	bpf_program__set_autoload(skel->progs.unlink_tp_in,
				  !use_kprobe && syscall_tp_exists("sys_enter_unlink"));
	bpf_program__set_autoload(skel->progs.unlinkat_tp_in, !use_kprobe);
	bpf_program__set_autoload(skel->progs.unlink_tp_out,
				  !use_kprobe && syscall_tp_exists("sys_exit_unlink"));
	bpf_program__set_autoload(skel->progs.unlinkat_tp_out, !use_kprobe);
	/* The section says do_unlinkat; newer kernels call it filename_unlinkat. */
	lesson_unlink_retarget(skel->progs.unlink_kprobe);
	lesson_unlink_retarget(skel->progs.unlink_kretprb);

	err = kprobe_unlink_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = kprobe_unlink_bpf__attach(skel);
	if (!err && use_kprobe)
		err = lesson_unlink_kprobe(skel->progs.unlink_kprobe, &skel->links.unlink_kprobe)
			      ?: lesson_unlink_kprobe(skel->progs.unlink_kretprb,
						      &skel->links.unlink_kretprb);
	if (err) {
		err = lesson_fail(err, "attaching %s", use_kprobe ? "kprobes" : "tracepoints");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	if (use_kprobe)
		printf("Tracing %s() with kprobe + kretprobe", feature_unlink_func());
	else
		printf("Tracing unlink()/unlinkat() with syscall tracepoints");
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Ctrl-C to stop.\n");
	printf("%-5s %-7s %-16s %s\n", "EVENT", "PID", "COMM", "DETAIL");

	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	kprobe_unlink_bpf__destroy(skel);
	return err;
}
