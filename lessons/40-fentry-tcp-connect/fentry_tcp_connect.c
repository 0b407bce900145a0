// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 40 loader (ebpf-go example "fentry"): attach fentry/tcp_connect, or
 * where the kernel refuses fentry the sock:inet_sock_set_state fallback,
 * and print one line per outgoing IPv4 connect from the ring buffer.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "helpers.h"
#include "hook.h"
#include "net.h"
#include "fentry_tcp_connect.h"
#include "fentry_tcp_connect.skel.h"

enum hook { HOOK_AUTO, HOOK_FENTRY, HOOK_TRACEPOINT };

static const char *const modes[] = { "auto", "fentry", "tracepoint", NULL };
static const char *const what[] = { NULL, "fentry/tcp_connect",
				    "the sock:inet_sock_set_state tracepoint" };

static enum hook mode;

static const struct argp_option opts[] = {
	{ "mode", 'm', "MODE", 0, "auto (default), fentry or tracepoint" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'm')
		return ARGP_ERR_UNKNOWN;
	mode = lesson_arg_choice(state, arg, "mode", modes);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print every outgoing IPv4 TCP connect: fentry/tcp_connect, or the "
	       "sock:inet_sock_set_state tracepoint where fentry is refused.\v"
	       "Example: fentry_tcp_connect -m tracepoint",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

	printf("%-7u %-16s %-15s %-6u -> %-15s %u\n", e->pid, e->comm,
	       lesson_ip_str(AF_INET, &e->saddr, src, sizeof(src)), e->sport,
	       lesson_ip_str(AF_INET, &e->daddr, dst, sizeof(dst)), e->dport);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct fentry_tcp_connect_bpf *skel;
	struct ring_buffer *rb = NULL;
	int err, hook;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* Ask the kernel (a real fentry load + attach), not its version. */
	hook = lesson_hook_choose(modes, mode, NULL, NULL);
	if (hook < 0)
		return 1;

	skel = fentry_tcp_connect_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	bpf_program__set_autoload(skel->progs.tcp_connect, hook == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.tcp_state, hook == HOOK_TRACEPOINT);

	err = fentry_tcp_connect_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object (%s)", modes[hook]);
		goto cleanup;
	}
	err = fentry_tcp_connect_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching %s", what[hook]);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing IPv4 TCP connects with %s. Ctrl-C to stop.\n", what[hook]);
	printf("%-7s %-16s %-15s %-6s -> %-15s %s\n", "PID", "COMM", "SRC ADDR", "PORT",
	       "DEST ADDR", "PORT");
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	fentry_tcp_connect_bpf__destroy(skel);
	return err;
}
