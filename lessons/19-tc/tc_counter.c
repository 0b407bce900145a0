// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 19 loader: put a clsact qdisc on an interface (unless one is there),
 * attach tc_ingress as a direct-action filter on its ingress hook, print a
 * line per packet from the ring buffer, and at exit a count per protocol.
 * On exit it removes its filter, and the qdisc only if it created it.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "tc_counter.h"
#include "tc_counter.skel.h"

static const char *ifname = "lo";
static int ifindex; /* from -i; 0: look ifname up in main() */
static int drop_proto = -1;

static const struct {
	const char *name;
	int proto;
} protos[] = { { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 } };

static const char *proto_name(int proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	snprintf(buf, len, "ip-%d", proto);
	return buf;
}

static int parse_proto(const char *arg)
{
	char *end;
	size_t i;
	long v;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcasecmp(arg, protos[i].name))
			return protos[i].proto;
	v = strtol(arg, &end, 10);
	if (end != arg && !*end && v >= 0 && v <= 255)
		return (int)v;
	return -1;
}

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface whose ingress to watch (default: lo)" },
	{ "drop", 'D', "PROTO", 0, "Drop IPv4 packets of PROTO: icmp, tcp, udp or a number" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		ifname = arg;
		ifindex = lesson_arg_ifindex(state, arg);
		break;
	case 'D':
		drop_proto = parse_proto(arg);
		if (drop_proto < 0)
			argp_error(state, "invalid protocol '%s': want icmp, tcp, udp or 0-255",
				   arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Watch (and optionally drop) packets at an interface's TC ingress hook.\v"
	       "Examples:\n"
	       "  tc_counter -i veth0              print every packet arriving on veth0\n"
	       "  tc_counter -i veth0 --drop icmp  ... and drop ICMP (ping stops working)",
	.children = lesson_argp_children,
};

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], pbuf[16];
	const char *proto;

	if (e->eth_proto == 0x0800 && (e->saddr || e->daddr)) {
		inet_ntop(AF_INET, &e->saddr, src, sizeof(src));
		inet_ntop(AF_INET, &e->daddr, dst, sizeof(dst));
		proto = proto_name(e->ip_proto, pbuf, sizeof(pbuf));
	} else {
		strcpy(src, "-");
		strcpy(dst, "-");
		snprintf(pbuf, sizeof(pbuf), "eth-0x%04x", e->eth_proto);
		proto = pbuf;
	}
	printf("%-10s %-15s %-15s %5u %s\n", proto, src, dst, e->len, e->dropped ? "DROP" : "pass");
	return 0;
}

static void print_counts(struct tc_counter_bpf *skel)
{
	struct counts c;
	char pbuf[16];
	__u32 key;

	printf("%-10s %10s %12s %10s\n", "PROTO", "PACKETS", "BYTES", "DROPPED");
	for (key = 0; key < NR_KEYS; key++) {
		if (bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), &c, sizeof(c), 0))
			continue;
		if (!c.packets)
			continue;
		printf("%-10s %10llu %12llu %10llu\n",
		       key == KEY_NON_IP ? "non-ip" : proto_name(key, pbuf, sizeof(pbuf)),
		       c.packets, c.bytes, c.dropped);
	}
}

/*
 * `tc ... | head` closes our stdout: without this, SIGPIPE would kill us
 * before the cleanup and leave the filter (and qdisc) behind.
 */
static void on_sigpipe(int sig)
{
	lesson_exiting = 1;
}

/*
 * SIGKILL skips cleanup:, and a classic TC filter is not a bpf_link: a killed
 * run leaves its filter (and program) on the hook, and our attach would then
 * fail with EEXIST.  A tc_ingress at our handle+priority is from such a run:
 * remove it.  Anything else there is somebody else's: leave it, fail.
 */
static int remove_stale_filter(struct bpf_tc_hook *hook)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = 1, .priority = 1);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), id;
	int fd, err;

	err = bpf_tc_query(hook, &q);
	/*
	 * ENOENT: no filter there; EINVAL: no filter chain at all (or one
	 * without a program id, e.g. classic BPF: the attach then says EEXIST).
	 */
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	if (err)
		return lesson_fail(err, "querying %s ingress (handle 1, pref 1)", ifname);
	id = q.prog_id;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return lesson_fail(-errno, "opening program id %u on %s ingress", id, ifname);
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return lesson_fail(err, "reading program id %u", id);
	if (strcmp(info.name, "tc_ingress") != 0)
		return lesson_error("%s ingress handle 1 pref 1 holds another program (%s, id %u): "
				    "not ours, left alone",
				    ifname, info.name, id);
	q.prog_fd = q.prog_id = q.flags = 0;
	err = bpf_tc_detach(hook, &q);
	if (err)
		return lesson_fail(err, "removing the stale filter on %s ingress", ifname);
	lesson_error("removed a stale filter left by a killed run (tc_ingress, prog id %u)", id);
	return 0;
}

int main(int argc, char **argv)
{
	/* The hook names a place: an interface and a direction on its clsact. */
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	/* handle+priority name our filter, so we can remove exactly it. */
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, tc_opts, .handle = 1, .priority = 1);
	struct ring_buffer *rb = NULL;
	bool created = false, attached = false;
	struct tc_counter_bpf *skel;
	int err;

	lesson_init(argv[0]);
	signal(SIGPIPE, on_sigpipe);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (!ifindex)
		ifindex = lesson_ifindex(ifname);
	if (ifindex < 0)
		return 1;

	skel = tc_counter_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->drop_proto = drop_proto;
	err = tc_counter_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	/* `tc qdisc add dev IFACE clsact`; EEXIST: someone else's, leave it be. */
	hook.ifindex = ifindex;
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		err = lesson_fail(err, "creating clsact qdisc on %s", ifname);
		goto cleanup;
	}
	created = !err;
	if (!created) {
		err = remove_stale_filter(&hook);
		if (err)
			goto cleanup;
	}

	/* `tc filter add dev IFACE ingress bpf direct-action ...` */
	tc_opts.prog_fd = bpf_program__fd(skel->progs.tc_ingress);
	err = bpf_tc_attach(&hook, &tc_opts);
	if (err) {
		err = lesson_fail(err, "attaching tc_ingress to %s ingress (handle 1, pref 1)",
				  ifname);
		goto cleanup;
	}
	attached = true;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Attached TC program tc_ingress to %s ingress (ifindex %d, %s clsact)", ifname,
	       ifindex, created ? "new" : "existing");
	if (drop_proto >= 0) {
		char pbuf[16];

		printf(", dropping %s", proto_name(drop_proto, pbuf, sizeof(pbuf)));
	}
	printf(". Ctrl-C to stop.\n");
	printf("%-10s %-15s %-15s %5s %s\n", "PROTO", "SRC", "DST", "LEN", "ACTION");

	err = lesson_poll_ringbuf(rb);
	if (!err)
		print_counts(skel);

cleanup:
	ring_buffer__free(rb);
	/*
	 * A TC filter is not a bpf_link: it stays in the kernel after we exit
	 * unless we remove it.  Detach by handle+priority (fd/id must be 0).
	 */
	if (attached) {
		tc_opts.prog_fd = tc_opts.prog_id = tc_opts.flags = 0;
		if (bpf_tc_detach(&hook, &tc_opts))
			lesson_error("warning: could not detach tc_ingress from %s", ifname);
	}
	/* Both directions = the clsact qdisc itself; only if it is ours. */
	if (created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	tc_counter_bpf__destroy(skel);
	return err;
}
