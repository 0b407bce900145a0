// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 42 loader (ebpf-go example "tcprtt_sockops"): attach a sockops
 * program to a cgroup v2 directory - one it creates under the cgroup2 mount,
 * or -c PATH - and print every RTT sample of the TCP sockets that processes
 * in that cgroup create.  A cgroup it created is removed at exit.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "helpers.h"
#include "cgroup.h"
#include "net.h"
#include "tcprtt_sockops.h"
#include "tcprtt_sockops.skel.h"

static const char *cgroup_arg;

static const struct argp_option opts[] = {
	{ "cgroup", 'c', "PATH", 0,
	  "Attach to this cgroup v2 directory (default: create one, removed at exit)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'c')
		return ARGP_ERR_UNKNOWN;
	if (!lesson_is_cgroup2(arg))
		argp_error(state, "invalid cgroup '%s': not a directory in a cgroup v2 mount", arg);
	cgroup_arg = arg;
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print the smoothed RTT after every RTT sample of TCP sockets created by "
	       "processes in a cgroup, from a sockops program.\v"
	       "Examples:\n"
	       "  tcprtt_sockops                  create a cgroup; move processes into it\n"
	       "  tcprtt_sockops -c /sys/fs/cgroup/unified   every process (the root cgroup)",
	.children = lesson_argp_children,
};

/*
 * rmdir fails with EBUSY while a process is inside: move every one back to
 * the parent cgroup first (the cgroup is ours, its members were lent).
 */
static void remove_cgroup(const char *path)
{
	if (lesson_cgroup_move_out(path))
		return;
	if (rmdir(path))
		lesson_error("warning: could not remove cgroup %s: %s", path, strerror(errno));
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct rtt_event *e = data;

	lesson_print_rtt(e->saddr, e->sport, e->daddr, e->dport, e->srtt_us);
	return 0;
}

int main(int argc, char **argv)
{
	char mnt[PATH_MAX], path[PATH_MAX];
	struct tcprtt_sockops_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct ring_buffer *rb = NULL;
	bool created = false;
	int err, cg_fd = -1;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	if (cgroup_arg) {
		snprintf(path, sizeof(path), "%s", cgroup_arg);
	} else {
		err = lesson_cgroup2_mount(mnt, sizeof(mnt));
		if (err)
			return lesson_fail(err,
					   "finding a cgroup v2 mount (mount -t cgroup2 none DIR)");
		if (snprintf(path, sizeof(path), "%s/lesson-tcprtt-sockops.%d", mnt, getpid()) >=
		    (int)sizeof(path))
			return lesson_error("cgroup path too long under %s", mnt);
		if (mkdir(path, 0755))
			return lesson_error("creating cgroup %s: %s", path, strerror(errno));
		created = true;
	}
	cg_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0) {
		err = lesson_error("opening cgroup %s: %s", path, strerror(errno));
		goto cleanup;
	}

	skel = tcprtt_sockops_bpf__open_and_load();
	if (!skel) {
		err = lesson_fail(-errno, "loading BPF object");
		goto cleanup;
	}
	/* A bpf_link: detached when the loader's fd goes, even after SIGKILL. */
	link = bpf_program__attach_cgroup(skel->progs.sockops_rtt, cg_fd);
	if (!link) {
		err = lesson_fail(-errno, "attaching sockops_rtt to cgroup %s", path);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rtt_events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Attached sockops_rtt to cgroup %s (%s). Ctrl-C to stop.\n", path,
	       created ? "created, removed at exit" : "given");
	lesson_print_rtt_header();
	fflush(stdout);

	err = lesson_poll_ringbuf(rb);
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	tcprtt_sockops_bpf__destroy(skel);
	if (cg_fd >= 0)
		close(cg_fd);
	if (created)
		remove_cgroup(path);
	return err;
}
