// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 26 loader: refuse connect() to one IPv4 address with a BPF LSM
 * program, and print every refusal.  Needs a kernel with CONFIG_BPF_LSM and
 * "bpf" in its active LSM list (lsm= on the command line, or CONFIG_LSM).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "feature.h"
#include "helpers.h"
#include "lsm_connect.h"
#include "lsm_connect.skel.h"

static struct {
	struct in_addr addr;
	const char *text;
} env = { .text = "1.1.1.1" };

static const struct argp_option opts[] = {
	{ "address", 'a', "ADDR", 0, "IPv4 address to refuse connect() to (default: 1.1.1.1)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'a':
		if (inet_pton(AF_INET, arg, &env.addr) != 1)
			argp_error(state, "invalid address '%s': want IPv4 like 10.0.0.1", arg);
		env.text = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Refuse connect() to one IPv4 address (EPERM) with a BPF LSM program.\v"
	       "Examples:\n"
	       "  lsm_connect               refuse 1.1.1.1\n"
	       "  lsm_connect -a 10.0.0.1   refuse 10.0.0.1",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &e->daddr, addr, sizeof(addr));
	printf("%-7d %-16s %-5s %s:%u refused\n", e->pid, e->comm,
	       e->type == SOCK_STREAM  ? "tcp"
	       : e->type == SOCK_DGRAM ? "udp"
				       : "other",
	       addr, e->dport);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct lsm_connect_bpf *skel;
	char why[256];
	int err;

	lesson_init(argv[0]);
	inet_pton(AF_INET, env.text, &env.addr);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	/* Loads and attaches a tiny LSM program: the kernel's own answer. */
	if (feature_probe("lsm", why, sizeof(why)) != FEATURE_SUPPORTED)
		return lesson_error("kernel lacks BPF LSM: %s", why);

	skel = lsm_connect_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->blocked_addr = env.addr.s_addr;

	err = lsm_connect_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	/* An LSM program attaches as a bpf_link: it goes when we do. */
	err = lsm_connect_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to lsm/socket_connect");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Refusing connect() to %s. Ctrl-C to stop.\n", env.text);
	printf("%-7s %-16s %-5s %s\n", "PID", "COMM", "PROTO", "DESTINATION");
	fflush(stdout);
	err = lesson_poll_ringbuf(rb);
	if (skel->bss->dropped)
		lesson_error("%llu events lost: ring buffer full",
			     (unsigned long long)skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	lsm_connect_bpf__destroy(skel);
	return err;
}
