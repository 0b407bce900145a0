// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 10 loader: trace unlinks with the best hook this kernel allows.
 * fentry/fexit first, then kprobe/kretprobe, then syscall tracepoints: each
 * is tried by feature_probe() (a real load and attach), and only the
 * winner's programs are autoloaded.  That is how libbpf-tools decide, too.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include "helpers.h"
#include "feature.h"
#include "hook.h"
#include "fentry_unlink.h"
#include "fentry_unlink.skel.h"

enum hook { HOOK_AUTO, HOOK_FENTRY, HOOK_KPROBE, HOOK_TRACEPOINT };

static const struct {
	const char *mode;     /* -m value */
	const char *probe[2]; /* feature_probe names that must both work */
	const char *what;     /* for messages */
} hooks[] = {
	[HOOK_AUTO] = { "auto" },
	[HOOK_FENTRY] = { "fentry", { "fentry", "fexit" }, "fentry + fexit" },
	[HOOK_KPROBE] = { "kprobe", { "kprobe", "kretprobe" }, "kprobe + kretprobe" },
	[HOOK_TRACEPOINT] = { "tracepoint", { "tracepoint", "tracepoint" }, "syscall tracepoints" },
};
/* The -m words, in enum hook order. */
static const char *const mode_names[] = { "auto", "fentry", "kprobe", "tracepoint", NULL };

static struct {
	enum hook hook;
	int pid;
} opt;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report unlinks by process PID" },
	{ "mode", 'm', "MODE", 0, "auto (default), fentry, kprobe or tracepoint" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		return 0;
	case 'm':
		opt.hook = lesson_arg_choice(state, arg, "mode", mode_names);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace unlinks with fentry/fexit on do_unlinkat, falling back to "
	       "kprobes, then to the unlink/unlinkat syscall tracepoints.\v"
	       "Example: fentry_unlink -m auto -p 1234",
	.children = lesson_argp_children,
};

/* Does this kernel load and attach both programs a hook needs? */
static bool hook_works(enum hook h, char *why, size_t len)
{
	return feature_probe(hooks[h].probe[0], why, len) == FEATURE_SUPPORTED &&
	       feature_probe(hooks[h].probe[1], why, len) == FEATURE_SUPPORTED;
}

/*
 * Walk the chain best-first.  Every hook skipped adds "X unavailable (why)"
 * to note, so the user learns in one line what was tried and why it failed.
 */
static enum hook choose_hook(char *note, size_t len)
{
	char why[256];
	size_t used = 0;
	enum hook h;

	for (h = HOOK_FENTRY; h < HOOK_TRACEPOINT; h++) {
		if (hook_works(h, why, sizeof(why)))
			break;
		used += snprintf(note + used, len - used, "%s%s unavailable (%s)", used ? "; " : "",
				 hooks[h].mode, why);
		if (used >= len)
			used = len - 1;
	}
	return h;
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

static void set_hook(struct fentry_unlink_bpf *skel, enum hook h)
{
	struct {
		struct bpf_program *prog;
		enum hook hook;
	} progs[] = {
		{ skel->progs.unl_fentry, HOOK_FENTRY },
		{ skel->progs.unl_fexit, HOOK_FENTRY },
		{ skel->progs.unl_kprobe, HOOK_KPROBE },
		{ skel->progs.unl_kretprobe, HOOK_KPROBE },
		{ skel->progs.unl_tp_in, HOOK_TRACEPOINT },
		{ skel->progs.unlat_tp_in, HOOK_TRACEPOINT },
		{ skel->progs.unl_tp_out, HOOK_TRACEPOINT },
		{ skel->progs.unlat_tp_out, HOOK_TRACEPOINT },
	};
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		/* Not autoloaded = not loaded, not attached by __attach() either. */
		bpf_program__set_autoload(progs[i].prog, progs[i].hook == h);
		/* The sections say do_unlinkat; newer kernels: filename_unlinkat. */
		if (progs[i].hook != HOOK_TRACEPOINT)
			lesson_unlink_retarget(progs[i].prog);
	}
	if (h == HOOK_TRACEPOINT && !syscall_tp_exists("sys_enter_unlink")) {
		bpf_program__set_autoload(skel->progs.unl_tp_in, false);
		bpf_program__set_autoload(skel->progs.unl_tp_out, false);
	}
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	if (e->kind == EV_ENTRY) {
		printf("%-5s %-7u %-16s filename=%s\n", "ENTRY", e->pid, e->comm, e->filename);
		return 0;
	}
	/* fexit knows the file name at exit too; kretprobes and sys_exit don't. */
	printf("%-5s %-7u %-16s ret=%d", "EXIT", e->pid, e->comm, e->ret);
	if (e->filename[0])
		printf(" filename=%s", e->filename);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	struct fentry_unlink_bpf *skel;
	struct ring_buffer *rb = NULL;
	char note[768] = "";
	enum hook hook;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	hook = opt.hook;
	if (hook == HOOK_AUTO) {
		hook = choose_hook(note, sizeof(note));
		if (note[0])
			fprintf(stderr, "fentry_unlink: %s: using %s\n", note, hooks[hook].what);
	} else if (!hook_works(hook, note, sizeof(note))) {
		return lesson_error("%s mode unavailable: %s", hooks[hook].mode, note);
	}

	skel = fentry_unlink_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_pid = opt.pid;
	set_hook(skel, hook);

	err = fentry_unlink_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object (%s)", hooks[hook].what);
		goto cleanup;
	}
	err = fentry_unlink_bpf__attach(skel);
	if (!err && hook == HOOK_KPROBE)
		err = lesson_unlink_kprobe(skel->progs.unl_kprobe, &skel->links.unl_kprobe)
			      ?: lesson_unlink_kprobe(skel->progs.unl_kretprobe,
						      &skel->links.unl_kretprobe);
	if (err) {
		err = lesson_fail(err, "attaching %s", hooks[hook].what);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	if (hook == HOOK_TRACEPOINT)
		printf("Tracing unlink()/unlinkat() with syscall tracepoints");
	else
		printf("Tracing %s() with %s", feature_unlink_func(), hooks[hook].what);
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Ctrl-C to stop.\n");
	printf("%-5s %-7s %-16s %s\n", "EVENT", "PID", "COMM", "DETAIL");

	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	fentry_unlink_bpf__destroy(skel);
	return err;
}
