// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 43 loader: attach xdp_prog_func to an interface and print the
 * per-source-address table once a second, like the ebpf-go xdp example.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "xdp_ip_counter.skel.h"

static const char *ifname = "lo";
static int ifindex;
static long max_entries = 16;

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to count packets on (default: lo)" },
	{ "max-entries", 'm', "N", 0, "Addresses the LRU table holds (default: 16)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		ifindex = lesson_arg_ifindex(state, arg);
		ifname = arg;
		break;
	case 'm':
		max_entries = lesson_arg_long(state, arg, "table size", 1, 1 << 20);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count received IPv4 packets per source address with XDP.\v"
	       "Example: xdp_ip_counter -i veth0 -d 10",
	.children = lesson_argp_children,
};

struct row {
	__u32 addr; /* network byte order */
	__u64 packets;
};

static int by_addr(const void *a, const void *b)
{
	__u32 x = ntohl(((const struct row *)a)->addr), y = ntohl(((const struct row *)b)->addr);

	return x < y ? -1 : x > y;
}

/*
 * Go: formatMapContents() iterates with m.Iterate().  In C the loop is
 * bpf_map_get_next_key(): NULL gives the first key, ENOENT ends it.  Rows
 * are sorted by address so the output is stable.
 */
static int print_table(int fd)
{
	struct row *rows = calloc(max_entries, sizeof(*rows));
	__u32 key, *prev = NULL;
	char addr[INET_ADDRSTRLEN];
	long n = 0, i;
	int err = 0;

	if (!rows)
		return lesson_error("out of memory");
	while (n < max_entries && !(err = bpf_map_get_next_key(fd, prev, &key))) {
		/* An entry evicted between the two calls is simply skipped. */
		if (!bpf_map_lookup_elem(fd, &key, &rows[n].packets))
			rows[n++].addr = key;
		prev = &key;
	}
	if (err && errno != ENOENT && n < max_entries) {
		free(rows);
		return lesson_fail(-errno, "iterating xdp_stats_map");
	}
	qsort(rows, n, sizeof(*rows), by_addr);
	printf("Map contents:\n");
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET, &rows[i].addr, addr, sizeof(addr));
		printf("\t%s => %llu\n", addr, (unsigned long long)rows[i].packets);
	}
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct xdp_ip_counter_bpf *skel;
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

	/* Go: loadBpfObjects(); the map's size can change until the load. */
	skel = xdp_ip_counter_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	err = bpf_map__set_max_entries(skel->maps.xdp_stats_map, max_entries);
	if (!err)
		err = xdp_ip_counter_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	/* Go: link.AttachXDP(link.XDPOptions{Program: ..., Interface: ...}) */
	link = lesson_attach_xdp(skel->progs.xdp_prog_func, ifindex);
	if (!link) {
		err = 1;
		goto cleanup;
	}
	printf("Attached XDP program to iface \"%s\" (index %d)\n", ifname, ifindex);
	printf("Press Ctrl-C to exit and remove the program\n");

	/* Go: a time.Ticker firing every second. */
	while (!lesson_should_stop()) {
		sleep(1);
		err = print_table(bpf_map__fd(skel->maps.xdp_stats_map));
		if (err)
			break;
	}

cleanup:
	bpf_link__destroy(link);
	xdp_ip_counter_bpf__destroy(skel);
	return err;
}
