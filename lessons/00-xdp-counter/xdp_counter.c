// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 00 loader: attach count_packets to an interface and print the count
 * once a second, like the ebpf-go guide's main.go.
 */
#include <argp.h>
#include <stdio.h>
#include <unistd.h>
#include "helpers.h"
#include "xdp_counter.skel.h"

static const char *ifname = "lo";
static int ifindex; /* from -i; 0: look ifname up in main() */

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to count packets on (default: lo)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'i')
		return ARGP_ERR_UNKNOWN;
	ifname = arg;
	ifindex = lesson_arg_ifindex(state, arg);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count packets received on an interface with XDP.\v"
	       "Example: xdp_counter -i veth0 -d 10",
	.children = lesson_argp_children,
};

static int print_count(struct xdp_counter_bpf *skel)
{
	__u32 key = 0;
	__u64 count;
	int err;

	err = bpf_map__lookup_elem(skel->maps.pkt_count, &key, sizeof(key), &count, sizeof(count),
				   0);
	if (err)
		return lesson_fail(err, "reading pkt_count");
	printf("Received %llu packets\n", (unsigned long long)count);
	return 0;
}

int main(int argc, char **argv)
{
	struct xdp_counter_bpf *skel;
	struct bpf_link *link;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (!ifindex)
		ifindex = lesson_ifindex(ifname);
	if (ifindex < 0)
		return 1;

	/* Go: loadCounterObjects(&objs, nil); libbpf 1.x needs no memlock bump. */
	skel = xdp_counter_bpf__open_and_load();
	if (!skel)
		return lesson_fail(-errno, "loading BPF object");

	/* Go: link.AttachXDP(); a bpf_link goes away with this process. */
	link = lesson_attach_xdp(skel->progs.count_packets, ifindex);
	if (!link) {
		err = 1;
		goto cleanup;
	}
	printf("Attached XDP program count_packets to %s (ifindex %d). Ctrl-C to stop.\n", ifname,
	       ifindex);

	while (!lesson_should_stop()) {
		sleep(1);
		err = print_count(skel);
		if (err)
			break;
	}

cleanup:
	/* Go: defer link.Close(); defer objs.Close() */
	bpf_link__destroy(link);
	xdp_counter_bpf__destroy(skel);
	return err;
}
