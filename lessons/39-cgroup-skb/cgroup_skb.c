// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 39 loader: attach count_egress_packets to a cgroup v2 and print
 * the count once a second.  The cgroup is -c PATH, or a new one under the
 * cgroup2 mount; a cgroup the loader created it removes on exit.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "helpers.h"
#include "cgroup.h"
#include "cgroup_skb.skel.h"

static const char *cg_arg;

static const struct argp_option opts[] = {
	{ "cgroup", 'c', "PATH", 0,
	  "cgroup v2 directory to watch; created (and removed at exit) if missing "
	  "(default: CGROUP2_MOUNT/cgroup_skb-lesson)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		cg_arg = lesson_arg_cgroup(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count the packets the processes of a cgroup v2 send (cgroup_skb/egress).\v"
	       "Move a shell into it:  echo $$ > CGROUP/cgroup.procs",
	.children = lesson_argp_children,
};

int main(int argc, char **argv)
{
	struct cgroup_skb_bpf *skel = NULL;
	struct lesson_cgroup cg = { .fd = -1 };
	struct bpf_link *link = NULL;
	int err;
	__u32 key = 0;
	__u64 count;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	/* Go: detectCgroupPath() finds the cgroup2 mount; a new cgroup is a mkdir in it. */
	err = lesson_cgroup_open(&cg, cg_arg, "cgroup_skb-lesson");
	if (err)
		goto cleanup;

	skel = cgroup_skb_bpf__open_and_load();
	if (!skel) {
		err = lesson_fail(-errno, "loading BPF object");
		goto cleanup;
	}
	/* Go: link.AttachCgroup(link.CgroupOptions{Path, Attach: ebpf.AttachCGroupInetEgress}) */
	link = bpf_program__attach_cgroup(skel->progs.count_egress_packets, cg.fd);
	if (!link) {
		err = lesson_fail(-errno, "attaching to cgroup %s", cg.path);
		goto cleanup;
	}
	printf("Counting egress packets of cgroup %s (%s). Ctrl-C to stop.\n", cg.path,
	       cg.created ? "new" : "existing");

	while (!lesson_should_stop()) {
		sleep(1);
		err = bpf_map__lookup_elem(skel->maps.pkt_count, &key, sizeof(key), &count,
					   sizeof(count), 0);
		if (err) {
			err = lesson_fail(err, "reading pkt_count");
			break;
		}
		printf("number of packets: %llu\n", (unsigned long long)count);
	}

cleanup:
	bpf_link__destroy(link);
	cgroup_skb_bpf__destroy(skel);
	/* rmdir fails while processes are still inside: say so, keep it. */
	lesson_cgroup_close(&cg);
	return err;
}
