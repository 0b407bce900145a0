// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * xdprun: load any .bpf.o by path and test-run one of its XDP programs with
 * BPF_PROG_TEST_RUN on a 64-byte UDP frame.  Prints the kernel's own average
 * (ns per run of the program, over REPEAT runs) once per round.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "helpers.h"

static struct {
	const char *obj;
	const char *prog;
	long repeat;
	long rounds;
} opt = { .repeat = 1000000, .rounds = 5 };

static const struct argp_option opts[] = {
	{ "repeat", 'r', "N", 0, "Runs per round (default 1000000)" },
	{ "rounds", 'n', "N", 0, "Rounds, one line each (default 5)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		opt.repeat = lesson_arg_long(state, arg, "repeat", 1, 1L << 31);
		break;
	case 'n':
		opt.rounds = lesson_arg_long(state, arg, "rounds", 1, 1000);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			opt.obj = arg;
		else if (state->arg_num == 1)
			opt.prog = arg;
		else
			argp_error(state, "invalid argument '%s': only OBJECT PROGRAM", arg);
		break;
	case ARGP_KEY_END:
		if (!opt.prog)
			argp_error(state, "invalid arguments '': need OBJECT PROGRAM");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "OBJECT.bpf.o PROGRAM",
	.doc = "Test-run one XDP program of an object with BPF_PROG_TEST_RUN.\v"
	       "Example: xdprun build/00-xdp-counter/xdp_counter.bpf.o count_packets",
	.children = lesson_argp_children,
};

/* Ethernet + IPv4 + UDP, 64 bytes: the smallest frame a NIC would carry. */
static void make_frame(unsigned char *buf, size_t len)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	memset(buf, 0, len);
	memset(eth->h_dest, 0xff, ETH_ALEN);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	ip->saddr = htonl(0x0a0b0001);
	ip->daddr = htonl(0x0a0b0002);
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
}

int main(int argc, char **argv)
{
	unsigned char frame[64];
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	obj = bpf_object__open_file(opt.obj, NULL);
	if (!obj)
		return lesson_fail(-errno, "opening %s", opt.obj);
	prog = bpf_object__find_program_by_name(obj, opt.prog);
	if (!prog) {
		err = lesson_error("no program '%s' in %s", opt.prog, opt.obj);
		goto cleanup;
	}
	err = bpf_object__load(obj);
	if (err) {
		err = lesson_fail(err, "loading %s", opt.obj);
		goto cleanup;
	}

	make_frame(frame, sizeof(frame));
	for (long i = 0; i < opt.rounds && !lesson_should_stop(); i++) {
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame,
			    .data_size_in = sizeof(frame), .repeat = (int)opt.repeat);

		struct timespec t0, t1;
		double wall;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (err) {
			err = lesson_fail(err, "test-running %s", opt.prog);
			goto cleanup;
		}
		wall = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / opt.repeat;
		/*
		 * duration: the kernel's mean ns per run (whole ns; its timer stops
		 * while the task is rescheduled); wall: ours, fractional, but it
		 * counts preemption by other tasks too.
		 */
		printf("%s kernel %u ns/pkt wall %.2f ns/pkt retval %u\n", opt.prog, topts.duration,
		       wall, topts.retval);
		fflush(stdout);
	}
cleanup:
	bpf_object__close(obj);
	return err ? 1 : 0;
}
