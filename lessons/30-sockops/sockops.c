// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 30 loader: attach sk_msg_redir to the SOCKHASH and sockops_add to
 * a cgroup v2, then print the programs' counters once a second.  The cgroup
 * is -c PATH, or a new one under the cgroup2 mount; a cgroup the loader
 * created it removes on exit.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "cgroup.h"
#include "sockops.h"
#include "sockops.skel.h"

static const char *cg_arg;

static const struct argp_option opts[] = {
	{ "cgroup", 'c', "PATH", 0,
	  "cgroup v2 directory whose sockets to redirect; created (and removed at exit) "
	  "if missing (default: CGROUP2_MOUNT/sockops-lesson)" },
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
	.doc = "Redirect loopback TCP data socket to socket (sockops + sk_msg + SOCKHASH) "
	       "for the processes of a cgroup v2.\v"
	       "Move a shell into it:  echo $$ > CGROUP/cgroup.procs",
	.children = lesson_argp_children,
};

/* The programs write these while we read them: read each once, untorn. */
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))

static void print_counters(const struct sockops_bpf *skel)
{
	const struct sockops_bpf__bss *c = skel->bss;

	printf("sockets added %llu (failed %llu), redirected %llu msgs %llu bytes, "
	       "passed %llu msgs\n",
	       (unsigned long long)READ_ONCE(c->sockets_added),
	       (unsigned long long)READ_ONCE(c->add_failed),
	       (unsigned long long)READ_ONCE(c->msgs_redirected),
	       (unsigned long long)READ_ONCE(c->bytes_redirected),
	       (unsigned long long)READ_ONCE(c->msgs_passed));
	fflush(stdout);
}

/*
 * Take every socket out of the map.  A socket in a SOCKHASH holds the map's
 * programs, and sk_msg_redir holds the map: while a connection stays open
 * that cycle would keep both (and the redirection) alive after we exit.
 * Deleting its entry gives the socket back its normal TCP operations.
 */
static int empty_sockhash(int map_fd)
{
	struct sock_key key;
	int n = 0;

	while (!bpf_map_get_next_key(map_fd, NULL, &key)) {
		if (bpf_map_delete_elem(map_fd, &key)) {
			lesson_error("warning: removing a socket from sock_hash: %s",
				     strerror(errno));
			break;
		}
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sockops_bpf *skel = NULL;
	struct lesson_cgroup cg = { .fd = -1 };
	struct bpf_link *link = NULL;
	int err, map_fd = -1, msg_fd = -1, n;
	bool msg_attached = false;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	err = lesson_cgroup_open(&cg, cg_arg, "sockops-lesson");
	if (err)
		goto cleanup;

	skel = sockops_bpf__open_and_load();
	if (!skel) {
		err = lesson_fail(-errno, "loading BPF object");
		goto cleanup;
	}

	/*
	 * The verdict program first: a socket takes the map's programs when
	 * it is added, so sockops must not add sockets before this is set.
	 * An sk_msg program attaches to a map, not a cgroup: the old
	 * BPF_PROG_ATTACH (no bpf_link; kernel 6.10 + libbpf 1.5 have one).
	 * Tutorial: bpftool prog attach pinned PROG msg_verdict pinned MAP
	 */
	map_fd = bpf_map__fd(skel->maps.sock_hash);
	msg_fd = bpf_program__fd(skel->progs.sk_msg_redir);
	err = bpf_prog_attach(msg_fd, map_fd, BPF_SK_MSG_VERDICT, 0);
	if (err) {
		err = lesson_fail(err, "attaching sk_msg_redir to sock_hash");
		goto cleanup;
	}
	msg_attached = true;

	/* Tutorial: bpftool cgroup attach CGROUP sock_ops pinned PROG */
	link = bpf_program__attach_cgroup(skel->progs.sockops_add, cg.fd);
	if (!link) {
		err = lesson_fail(-errno, "attaching sockops_add to cgroup %s", cg.path);
		goto cleanup;
	}
	printf("Redirecting loopback TCP of cgroup %s (%s). Ctrl-C to stop.\n", cg.path,
	       cg.created ? "new" : "existing");
	fflush(stdout);

	while (!lesson_should_stop()) {
		sleep(1);
		print_counters(skel);
	}
	err = 0;

cleanup:
	/* The sockops link first: no new sockets enter the map. */
	bpf_link__destroy(link);
	if (map_fd >= 0) {
		n = empty_sockhash(map_fd);
		if (n)
			printf("Returned %d open sockets to the normal TCP path.\n", n);
	}
	if (msg_attached && bpf_prog_detach2(msg_fd, map_fd, BPF_SK_MSG_VERDICT))
		lesson_error("warning: detaching sk_msg_redir: %s", strerror(errno));
	sockops_bpf__destroy(skel);
	lesson_cgroup_close(&cg);
	return err;
}
