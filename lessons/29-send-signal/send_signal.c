// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 29 loader: pick the signal, the target (name and/or PID) and the
 * trigger (ptrace(), or openat() of one file), load, attach, and print one
 * line for every signal the kernel half sent.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "helpers.h"
#include "send_signal.h"
#include "send_signal.skel.h"

static struct {
	int sig;
	int pid;
	const char *comm;
	const char *path;
} env = { .sig = SIGKILL };

static const struct argp_option opts[] = {
	{ "signal", 's', "SIGNAL", 0,
	  "Signal to send: a name (KILL, SIGTERM, usr1) or 1-64 (KILL)" },
	{ "comm", 'c', "COMM", 0, "Only processes with this name (as in /proc/PID/comm)" },
	{ "pid", 'p', "PID", 0, "Only this process" },
	{ "file", 'f', "PATH", 0,
	  "Trigger on openat() of PATH (exactly as the process passes it) instead of ptrace()" },
	{},
};

/* "KILL", "SIGKILL", "kill" or "9"; sigabbrev_np() knows the names. */
static int parse_signal(struct argp_state *state, const char *arg)
{
	const char *name = strncasecmp(arg, "SIG", 3) ? arg : arg + 3;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev && *name && !strcasecmp(name, abbrev))
			return sig;
	}
	if (*arg >= '0' && *arg <= '9')
		return (int)lesson_arg_long(state, arg, "signal", 1, 64);
	argp_error(state, "invalid signal '%s': want a name like KILL or a number 1-64", arg);
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 's':
		env.sig = parse_signal(state, arg);
		break;
	case 'c':
		if (!*arg || strlen(arg) >= TASK_COMM_LEN)
			argp_error(state, "invalid name '%s': want 1 to %d characters", arg,
				   TASK_COMM_LEN - 1);
		env.comm = arg;
		break;
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'f':
		if (!*arg || strlen(arg) >= MAX_PATH)
			argp_error(state, "invalid path '%s': want 1 to %d characters", arg,
				   MAX_PATH - 1);
		env.path = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Send a signal to a process the moment it calls ptrace() or opens a file.\v"
	       "Examples:\n"
	       "  send_signal -c gdb               SIGKILL any gdb that calls ptrace()\n"
	       "  send_signal -p 1234 -s USR1      SIGUSR1 to 1234 when it calls ptrace()\n"
	       "  send_signal -f /etc/shadow -s TERM -c cat   SIGTERM any cat opening it",
	.children = lesson_argp_children,
};

static const char *signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "%d", sig);
	return buf;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char what[MAX_PATH + 16], sbuf[16];

	if (e->trigger == TRIGGER_PTRACE)
		snprintf(what, sizeof(what), "ptrace(%ld)", e->arg);
	else
		snprintf(what, sizeof(what), "open %s", e->path);
	printf("%-7d %-7d %-16s %-10s %s", e->pid, e->tid, e->comm,
	       signame(e->sig, sbuf, sizeof(sbuf)), what);
	if (e->ret)
		printf(" (not sent: %s)", strerror(-e->ret));
	printf("\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct send_signal_bpf *skel;
	char sbuf[16];
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = send_signal_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->signal_nr = env.sig;
	skel->rodata->target_pid = env.pid;
	if (env.comm)
		strncpy((char *)skel->rodata->target_comm, env.comm, TASK_COMM_LEN - 1);
	if (env.path) {
		strncpy((char *)skel->rodata->open_path, env.path, MAX_PATH - 1);
		/* Not watching ptrace(): don't even attach there. */
		bpf_program__set_autoload(skel->progs.signal_ptrace, false);
	} else {
		bpf_program__set_autoload(skel->progs.signal_openat, false);
	}

	err = send_signal_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = send_signal_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_enter_%s",
				  env.path ? "openat" : "ptrace");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Sending %s to ", signame(env.sig, sbuf, sizeof(sbuf)));
	if (env.comm || env.pid) {
		if (env.comm)
			printf("'%s' ", env.comm);
		if (env.pid)
			printf("PID %d ", env.pid);
	} else {
		printf("any process ");
	}
	if (env.path)
		printf("opening %s. Ctrl-C to stop.\n", env.path);
	else
		printf("calling ptrace(). Ctrl-C to stop.\n");
	printf("%-7s %-7s %-16s %-10s %s\n", "PID", "TID", "COMM", "SIGNAL", "TRIGGER");
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	if (skel->bss->dropped)
		lesson_error("%llu events lost: ring buffer full",
			     (unsigned long long)skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	send_signal_bpf__destroy(skel);
	return err;
}
