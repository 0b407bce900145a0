// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 41 loader (ebpf-go example "tcprtt"): attach fentry/tcp_close, or
 * where the kernel refuses fentry tp_btf/inet_sock_set_state, and print
 * each closed IPv4 connection's smoothed RTT from the ring buffer.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "helpers.h"
#include "hook.h"
#include "net.h"
#include "tcprtt.h"
#include "tcprtt.skel.h"

enum hook { HOOK_AUTO, HOOK_FENTRY, HOOK_TP_BTF };

static const char *const modes[] = { "auto", "fentry", "tp_btf", NULL };
static const char *const what[] = { NULL, "fentry/tcp_close", "tp_btf/inet_sock_set_state" };

static enum hook mode;

static const struct argp_option opts[] = {
	{ "mode", 'm', "MODE", 0, "auto (default), fentry or tp_btf" },
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
	.doc = "Print the smoothed RTT of every IPv4 TCP connection when it is closed: "
	       "fentry/tcp_close, or tp_btf/inet_sock_set_state where fentry is refused.\v"
	       "Example: tcprtt -m tp_btf",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	lesson_print_rtt(e->saddr, e->sport, e->daddr, e->dport, e->srtt_us);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcprtt_bpf *skel;
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

	skel = tcprtt_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	bpf_program__set_autoload(skel->progs.tcp_close, hook == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.tcp_set_state, hook == HOOK_TP_BTF);

	err = tcprtt_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object (%s)", modes[hook]);
		goto cleanup;
	}
	err = tcprtt_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching %s", what[hook]);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing IPv4 TCP closes with %s. Ctrl-C to stop.\n", what[hook]);
	lesson_print_rtt_header();
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	tcprtt_bpf__destroy(skel);
	return err;
}
