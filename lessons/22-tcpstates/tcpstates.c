// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 22 loader: print every TCP state change (sock:inet_sock_set_state)
 * with the time spent in the previous state; with --rtt also collect a
 * histogram of smoothed RTTs from tcp_rcv_established(), through fentry or,
 * where fentry is refused, the tcp:tcp_probe tracepoint (tp_btf).
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
#include "tcpstates.h"
#include "tcpstates.skel.h"

enum hook { HOOK_AUTO, HOOK_FENTRY, HOOK_TP_BTF };

static const char *const modes[] = { "auto", "fentry", "tp_btf", NULL };
static const char *const what[] = { NULL, "fentry/tcp_rcv_established", "tp_btf/tcp_probe" };

static struct {
	enum hook hook;
	bool rtt, mode_set;
	long sport, dport;
} opt;

/* include/net/tcp_states.h, in order: TCP_ESTABLISHED is 1. */
static const char *const states[] = {
	"UNKNOWN",   "ESTABLISHED", "SYN_SENT",	    "SYN_RECV",	      "FIN_WAIT1",
	"FIN_WAIT2", "TIME_WAIT",   "CLOSE",	    "CLOSE_WAIT",     "LAST_ACK",
	"LISTEN",    "CLOSING",	    "NEW_SYN_RECV", "BOUND_INACTIVE",
};

static const char *state_name(int s)
{
	return s > 0 && s < (int)(sizeof(states) / sizeof(states[0])) ? states[s] : "UNKNOWN";
}

static const struct argp_option opts[] = {
	{ "lport", 'L', "PORT", 0, "Only sockets with this local port" },
	{ "dport", 'D', "PORT", 0, "Only sockets with this remote port" },
	{ "rtt", 'r', NULL, 0, "Also print a histogram of smoothed RTTs at exit" },
	{ "mode", 'm', "MODE", 0, "RTT hook: auto (default), fentry or tp_btf" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'L':
		opt.sport = lesson_arg_long(state, arg, "port", 1, 65535);
		return 0;
	case 'D':
		opt.dport = lesson_arg_long(state, arg, "port", 1, 65535);
		return 0;
	case 'r':
		opt.rtt = true;
		return 0;
	case 'm':
		opt.hook = lesson_arg_choice(state, arg, "mode", modes);
		opt.mode_set = true;
		return 0;
	case ARGP_KEY_END:
		if (opt.mode_set && !opt.rtt)
			argp_error(state, "invalid mode '%s': --mode picks the --rtt hook; add -r",
				   modes[opt.hook]);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace TCP state changes, with the time spent in the previous state.\v"
	       "Examples:\n"
	       "  tcpstates              every TCP socket\n"
	       "  tcpstates -D 80        sockets talking to port 80\n"
	       "  tcpstates -r -L 8080   ... and an RTT histogram for local port 8080",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	printf("%-16llx %-7u %-16s %-2d %-15s %-5u %-15s %-5u %-11s -> %-11s %.3f\n",
	       (unsigned long long)e->skaddr, e->pid, e->comm, e->family == AF_INET ? 4 : 6,
	       lesson_ip_str(e->family, e->saddr, src, sizeof(src)), e->sport,
	       lesson_ip_str(e->family, e->daddr, dst, sizeof(dst)), e->dport,
	       state_name(e->oldstate), state_name(e->newstate), e->delta_us / 1000.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct tcpstates_bpf *skel;
	int err, hook = HOOK_AUTO;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* fentry if the kernel loads it, else the tracepoint tcp_rcv_established fires. */
	if (opt.rtt) {
		hook = lesson_hook_choose(modes, opt.hook, NULL, NULL);
		if (hook < 0)
			return 1;
	}

	skel = tcpstates_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_sport = opt.sport;
	skel->rodata->target_dport = opt.dport;
	bpf_program__set_autoload(skel->progs.rtt_fentry, hook == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.rtt_tp_btf, hook == HOOK_TP_BTF);

	err = tcpstates_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = tcpstates_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing TCP state changes");
	if (opt.rtt)
		printf(", RTTs from %s", what[hook]);
	printf(". Ctrl-C to stop.\n");
	printf("%-16s %-7s %-16s %-2s %-15s %-5s %-15s %-5s %-11s -> %-11s %s\n", "SKADDR", "PID",
	       "COMM", "IP", "LADDR", "LPORT", "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS");
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	if (!err && opt.rtt) {
		printf("\nSmoothed RTT of every segment tcp_rcv_established() handled:\n");
		lesson_print_log2_hist(skel->bss->rtt_hist,
				       sizeof(skel->bss->rtt_hist) / sizeof(skel->bss->rtt_hist[0]),
				       "usecs");
	}
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	tcpstates_bpf__destroy(skel);
	return err;
}
