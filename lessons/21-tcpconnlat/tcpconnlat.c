// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 21 loader: TCP connect latency.  Picks the best hook this kernel
 * allows (fentry, then kprobe, then the sock:inet_sock_set_state
 * tracepoint) by asking the kernel with feature_probe(), autoloads only that
 * set of programs, and prints one line per connect() that got a SYN-ACK.
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
#include "tcpconnlat.h"
#include "tcpconnlat.skel.h"

enum hook { HOOK_AUTO, HOOK_FENTRY, HOOK_KPROBE, HOOK_TRACEPOINT };

/* The -m words, which are also what feature_probe() must say yes to. */
static const char *const modes[] = { "auto", "fentry", "kprobe", "tracepoint", NULL };
/* How we name each hook set. */
static const char *const what[] = {
	NULL,
	"fentry on tcp_v4_connect/tcp_v6_connect + tcp_rcv_state_process",
	"kprobes on tcp_v4_connect/tcp_v6_connect + tcp_rcv_state_process",
	"the sock:inet_sock_set_state tracepoint",
};

static struct {
	enum hook hook;
	int pid;
} opt;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report connects by process PID" },
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
		opt.hook = lesson_arg_choice(state, arg, "mode", modes);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Trace TCP connect latency: connect() until the SYN-ACK is processed.\v"
	       "Examples:\n"
	       "  tcpconnlat                 the best hook this kernel has\n"
	       "  tcpconnlat -m tracepoint   the inet_sock_set_state tracepoint\n"
	       "  tcpconnlat -p 1234         only connects by PID 1234",
	.children = lesson_argp_children,
};

static void set_hook(struct tcpconnlat_bpf *skel, enum hook h)
{
	bpf_program__set_autoload(skel->progs.connect_v4_fentry, h == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.connect_v6_fentry, h == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.rcv_state_fentry, h == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.connect_v4_kprobe, h == HOOK_KPROBE);
	bpf_program__set_autoload(skel->progs.connect_v6_kprobe, h == HOOK_KPROBE);
	bpf_program__set_autoload(skel->progs.rcv_state_kprobe, h == HOOK_KPROBE);
	bpf_program__set_autoload(skel->progs.state_tp, h == HOOK_TRACEPOINT);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	/* saddr_v4 and saddr_v6 share their first bytes (a union). */
	printf("%-7u %-16s %-2d %-15s %-5u %-15s %-5u %.3f\n", e->pid, e->comm,
	       e->af == AF_INET ? 4 : 6, lesson_ip_str(e->af, e->saddr_v6, src, sizeof(src)),
	       e->lport, lesson_ip_str(e->af, e->daddr_v6, dst, sizeof(dst)), e->dport,
	       e->delta_us / 1000.0);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcpconnlat_bpf *skel;
	struct ring_buffer *rb = NULL;
	int err, hook;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* auto walks fentry -> kprobe -> tracepoint, saying what it skipped and why. */
	hook = lesson_hook_choose(modes, opt.hook, NULL, NULL);
	if (hook < 0)
		return 1;

	skel = tcpconnlat_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_pid = opt.pid;
	set_hook(skel, hook);

	err = tcpconnlat_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object (%s)", modes[hook]);
		goto cleanup;
	}
	err = tcpconnlat_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching %s", what[hook]);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing TCP connect latency with %s", what[hook]);
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Ctrl-C to stop.\n");
	printf("%-7s %-16s %-2s %-15s %-5s %-15s %-5s %s\n", "PID", "COMM", "IP", "SADDR", "LPORT",
	       "DADDR", "DPORT", "LAT(ms)");
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	tcpconnlat_bpf__destroy(skel);
	return err;
}
