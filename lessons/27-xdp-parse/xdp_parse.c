// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 27 loader: attach xdp_parse to an interface, optionally print one
 * line per frame (-p), and at exit print how many frames fell into each
 * class of common/bpf/parse.h.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "bpf/parse.h"
#include "xdp_parse.h"
#include "xdp_parse.skel.h"

static const char *const class_names[] = PKT_CLASS_NAMES;

static const char *ifname = "lo";
static int ifindex;
static bool print_events;

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to parse frames on (default: lo)" },
	{ "print", 'p', NULL, 0, "Print one line per frame" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		ifindex = lesson_arg_ifindex(state, arg);
		ifname = arg;
		break;
	case 'p':
		print_events = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Parse every frame arriving on an interface with XDP and count it by class.\v"
	       "Example: xdp_parse -i veth0 -p -d 10",
	.children = lesson_argp_children,
};

static void format_addr(char *buf, size_t len, const struct event *e, const unsigned int *a)
{
	if (e->eth_proto == 0x0800)
		inet_ntop(AF_INET, a, buf, len);
	else if (e->eth_proto == 0x86DD)
		inet_ntop(AF_INET6, a, buf, len);
	else
		snprintf(buf, len, "-");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], vlans[16] = "-";

	if (e->nr_vlans == 1)
		snprintf(vlans, sizeof(vlans), "%u", e->vlan_id[0]);
	else if (e->nr_vlans == 2)
		snprintf(vlans, sizeof(vlans), "%u.%u", e->vlan_id[0], e->vlan_id[1]);
	format_addr(src, sizeof(src), e, e->saddr);
	format_addr(dst, sizeof(dst), e, e->daddr);
	printf("%-10s %5u 0x%04x %-9s %-15s %-15s %5u %5u\n",
	       e->class < PKT_NR_CLASSES ? class_names[e->class] : "?", e->len, e->eth_proto, vlans,
	       src, dst, e->sport, e->dport);
	return 0;
}

/* A PERCPU_ARRAY lookup returns one value per possible CPU: add them up. */
static int print_counts(struct xdp_parse_bpf *skel)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	__u64 *vals, sum;
	__u32 key;

	if (ncpus < 0)
		return lesson_fail(ncpus, "counting possible CPUs");
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return lesson_error("out of memory");
	printf("%-10s %10s\n", "CLASS", "PACKETS");
	for (key = 0; key < PKT_NR_CLASSES; key++) {
		err = bpf_map__lookup_elem(skel->maps.class_count, &key, sizeof(key), vals,
					   sizeof(*vals) * ncpus, 0);
		if (err) {
			free(vals);
			return lesson_fail(err, "reading class_count");
		}
		sum = 0;
		for (int cpu = 0; cpu < ncpus; cpu++)
			sum += vals[cpu];
		printf("%-10s %10llu\n", class_names[key], (unsigned long long)sum);
	}
	free(vals);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct xdp_parse_bpf *skel;
	struct bpf_link *link = NULL;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (!ifindex) {
		ifindex = lesson_ifindex(ifname);
		if (ifindex < 0)
			return 1;
	}

	skel = xdp_parse_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->print_events = print_events;
	err = xdp_parse_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	link = lesson_attach_xdp(skel->progs.xdp_parse, ifindex);
	if (!link) {
		err = 1;
		goto cleanup;
	}
	if (print_events) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
		if (!rb) {
			err = lesson_fail(-errno, "creating ring buffer");
			goto cleanup;
		}
	}
	printf("Attached XDP program xdp_parse to %s (ifindex %d). Ctrl-C to stop.\n", ifname,
	       ifindex);
	if (rb) {
		printf("%-10s %5s %-6s %-9s %-15s %-15s %5s %5s\n", "CLASS", "LEN", "ETYPE",
		       "VLANS", "SRC", "DST", "SPORT", "DPORT");
		err = lesson_poll_ringbuf(rb);
	} else {
		while (!lesson_should_stop())
			usleep(100 * 1000);
	}
	if (!err)
		err = print_counts(skel);
	if (skel->bss->dropped_events)
		lesson_error("warning: %llu events lost (ring buffer full)",
			     (unsigned long long)skel->bss->dropped_events);

cleanup:
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	xdp_parse_bpf__destroy(skel);
	return err;
}
