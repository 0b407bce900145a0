// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 08 loader: fill a program array with one program per IP protocol,
 * attach the dispatcher, print what the cases count, and exit leaving the
 * dispatcher running (its link and the stats map are pinned, as in lesson 07).
 *
 * The rule this shows: a program array is emptied by the kernel as soon as
 * no file descriptor and no bpffs pin refers to it any more -- a program
 * using it does not count.  Without --pin the tail calls stop when we exit.
 */
#include <argp.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "pin.h"
#include "tail_calls.skel.h"

/* Must match struct tail_stat in tail_calls.bpf.c. */
struct tail_stat {
	__u64 handled;
	__u64 missed;
};

static const char *ifname = "lo";
static int ifindex; /* from -i; 0: look ifname up in main() */
static const char *pin_dir = "/sys/fs/bpf/tail_calls";
static bool pin_table, unpin;

enum { OPT_PIN = 1000, OPT_UNPIN };

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to attach the dispatcher to (default: lo)" },
	{ "pin-dir", 'P', "DIR", 0,
	  "bpffs directory for the pins (default: /sys/fs/bpf/tail_calls)" },
	{ "pin", OPT_PIN, NULL, 0, "Also pin jmp_table, so the tail calls go on after we exit" },
	{ "unpin", OPT_UNPIN, NULL, 0, "Remove the pins: the dispatcher is detached and freed" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		ifname = arg;
		ifindex = lesson_arg_ifindex(state, arg);
		return 0;
	case 'P':
		pin_dir = arg;
		return 0;
	case OPT_PIN:
		pin_table = true;
		return 0;
	case OPT_UNPIN:
		unpin = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "XDP dispatcher that tail-calls one program per IP protocol (icmp, tcp, udp).\v"
	       "It prints handled/missed counts until Ctrl-C or -d, then exits and leaves the "
	       "dispatcher attached (pinned link).  Without --pin the kernel empties jmp_table "
	       "once we exit and every packet becomes a miss; with --pin the cases keep "
	       "running.  --unpin removes everything.\n"
	       "Example: tail_calls -i veth0 -d 5 --pin",
	.children = lesson_argp_children,
};

static const char *const pins[] = { "link", "tail_stats", "jmp_table" };

/* lesson_pin_dir_prepare(), plus: one dispatcher per pin dir (the link pin is "link"). */
static int make_pin_dir(void)
{
	char path[PATH_MAX];

	if (lesson_pin_dir_prepare(pin_dir))
		return 1;
	lesson_pin_path(path, sizeof(path), pin_dir, "link");
	if (access(path, F_OK) == 0)
		return lesson_error("a dispatcher is already pinned at %s: use --unpin first",
				    path);
	return 0;
}

static const struct {
	const char *name;
	__u32 proto;
} cases[] = { { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 } };

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* jmp_table[proto] = case program: user space stores fds, the kernel programs. */
static int fill_jmp_table(struct tail_calls_bpf *skel)
{
	struct bpf_program *progs[NR_CASES] = {
		skel->progs.tail_icmp,
		skel->progs.tail_tcp,
		skel->progs.tail_udp,
	};
	size_t i;
	int err, fd;

	printf("jmp_table (map id %u):", lesson_obj_id(bpf_map__fd(skel->maps.jmp_table)));
	for (i = 0; i < NR_CASES; i++) {
		fd = bpf_program__fd(progs[i]);
		err = bpf_map__update_elem(skel->maps.jmp_table, &cases[i].proto,
					   sizeof(cases[i].proto), &fd, sizeof(fd), BPF_ANY);
		if (err) {
			printf("\n");
			return lesson_fail(err, "storing %s in jmp_table",
					   bpf_program__name(progs[i]));
		}
		printf(" %s[%u] = prog id %u", cases[i].name, cases[i].proto, lesson_obj_id(fd));
	}
	printf("\n");
	return 0;
}

static int print_stats(struct tail_calls_bpf *skel)
{
	struct tail_stat st;
	__u64 missed = 0;
	size_t i;
	int err;

	for (i = 0; i < NR_CASES; i++) {
		err = bpf_map__lookup_elem(skel->maps.tail_stats, &cases[i].proto,
					   sizeof(cases[i].proto), &st, sizeof(st), 0);
		if (err)
			return lesson_fail(err, "reading tail_stats");
		printf("%s%s=%llu", i ? " " : "handled: ", cases[i].name,
		       (unsigned long long)st.handled);
		missed += st.missed;
	}
	printf("  missed: %llu\n", (unsigned long long)missed);
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	char link_pin[PATH_MAX], table_pin[PATH_MAX], stats_pin[PATH_MAX];
	struct tail_calls_bpf *skel;
	struct bpf_link *link = NULL;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_ensure_bpffs())
		return 1;
	if (unpin)
		return lesson_unpin(pin_dir, pins, sizeof(pins) / sizeof(pins[0]));
	if (!ifindex)
		ifindex = lesson_ifindex(ifname);
	if (ifindex < 0 || make_pin_dir())
		return 1;
	lesson_pin_path(link_pin, sizeof(link_pin), pin_dir, "link");
	lesson_pin_path(table_pin, sizeof(table_pin), pin_dir, "jmp_table");
	lesson_pin_path(stats_pin, sizeof(stats_pin), pin_dir, "tail_stats");

	/* tail_stats is LIBBPF_PIN_BY_NAME: pinned in pin_dir at load. */
	open_opts.pin_root_path = pin_dir;
	skel = tail_calls_bpf__open_opts(&open_opts);
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	err = tail_calls_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = fill_jmp_table(skel);
	if (err)
		goto cleanup;
	if (pin_table) {
		err = bpf_map__pin(skel->maps.jmp_table, table_pin);
		if (err) {
			err = lesson_fail(err, "pinning jmp_table at %s", table_pin);
			goto cleanup;
		}
	}
	link = lesson_attach_xdp(skel->progs.tail_dispatch, ifindex);
	if (!link) {
		err = 1;
		goto cleanup;
	}
	/* Pinned link: the dispatcher stays attached after we exit. */
	err = bpf_link__pin(link, link_pin);
	if (err) {
		err = lesson_fail(err, "pinning link at %s", link_pin);
		goto cleanup;
	}
	printf("Attached tail_dispatch (prog id %u) to %s; pinned %s and %s%s%s\n",
	       lesson_obj_id(bpf_program__fd(skel->progs.tail_dispatch)), ifname, link_pin,
	       stats_pin, pin_table ? " and " : "", pin_table ? table_pin : "");

	while (!lesson_should_stop()) {
		sleep(1);
		err = print_stats(skel);
		if (err)
			goto cleanup;
	}
	if (pin_table)
		printf("Exiting: jmp_table is pinned, the tail calls go on.\n");
	else
		printf("Exiting: nothing else holds jmp_table, the kernel empties it; "
		       "tail_dispatch runs on and counts misses.\n");

cleanup:
	bpf_link__destroy(link);
	tail_calls_bpf__destroy(skel);
	/* On failure leave nothing pinned: the pinned link would keep us attached. */
	if (err) {
		unlink(link_pin);
		unlink(table_pin);
		unlink(stats_pin);
		rmdir(pin_dir);
	}
	return err;
}
