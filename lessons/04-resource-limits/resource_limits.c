// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 04 loader: who pays for BPF memory?  Before Linux 5.11 every map
 * and program was charged against the creating user's RLIMIT_MEMLOCK; since
 * 5.11 it is charged to the memory cgroup and RLIMIT_MEMLOCK is ignored.
 * We ask the kernel which one it does, then create ~1 MiB of maps under a
 * tiny limit and show what happened.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "resource_limits.skel.h"

/*
 * libbpf 1.1 declares this in <bpf/bpf.h> but forgot LIBBPF_API: the shared
 * libbpf.so.1 does not export it, only libbpf.a has it (hence STATIC ?= 1
 * in the Makefile).  Weak, so a dynamic build still links and can say so.
 */
#pragma weak libbpf_set_memlock_rlim

static unsigned long long tiny_limit = 64ULL * 1024; /* -l */
static long long libbpf_rlim = -1;		     /* -m; -1: libbpf's default */

static const struct argp_option opts[] = {
	{ "limit", 'l', "BYTES", 0, "RLIMIT_MEMLOCK to create the maps under (default 65536)" },
	{ "libbpf-rlim", 'm', "BYTES", 0,
	  "libbpf_set_memlock_rlim(BYTES): what libbpf raises the limit to when it must (0: never)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	long v;

	if (key != 'l' && key != 'm')
		return ARGP_ERR_UNKNOWN;
	v = lesson_arg_long(state, arg, "byte count", 0, LONG_MAX);
	if (key == 'l')
		tiny_limit = v;
	else
		libbpf_rlim = (long long)v;
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Show how this kernel accounts BPF memory, then create maps under a tiny "
	       "RLIMIT_MEMLOCK.\v"
	       "Example: resource_limits -l 4096 -m 0",
	.children = lesson_argp_children,
};

enum accounting { ACCT_MEMCG, ACCT_RLIMIT, ACCT_UNKNOWN };

/*
 * The real question, asked directly: can a process whose RLIMIT_MEMLOCK is 0
 * create a map?  In a child, so our own limit stays, and with the raw bpf()
 * syscall, because libbpf's bpf_map_create() might raise the limit first.
 */
static enum accounting probe_accounting(int *child_err)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4,
		.value_size = 8,
		.max_entries = 1,
	};
	struct rlimit zero = { 0, 0 };
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		*child_err = errno;
		return ACCT_UNKNOWN;
	}
	if (pid == 0) {
		if (setrlimit(RLIMIT_MEMLOCK, &zero))
			_exit(255);
		fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		_exit(fd < 0 ? errno : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		*child_err = ECHILD;
		return ACCT_UNKNOWN;
	}
	*child_err = WEXITSTATUS(status);
	if (*child_err == 0)
		return ACCT_MEMCG;
	if (*child_err == EPERM)
		return ACCT_RLIMIT;
	return ACCT_UNKNOWN;
}

/*
 * libbpf decides differently: by a helper that arrived in 5.11 too.  Asked
 * in a child as well: the probe is libbpf's first bpf() call, and on a
 * kernel without memcg accounting libbpf raises RLIMIT_MEMLOCK right then,
 * once per process, so the tiny limit set later would stay for the load.
 */
static bool libbpf_probe_memcg(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER,
					      BPF_FUNC_ktime_get_coarse_ns, NULL) == 1
			      ? 0
			      : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void print_rlimit(const char *when)
{
	struct rlimit r;

	getrlimit(RLIMIT_MEMLOCK, &r);
	if (r.rlim_cur == RLIM_INFINITY)
		printf("RLIMIT_MEMLOCK %s: unlimited\n", when);
	else
		printf("RLIMIT_MEMLOCK %s: %llu bytes (hard %llu)\n", when,
		       (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
}

/* The kernel's charge for one map or program: fdinfo's memlock line (bpftool reads the same). */
static unsigned long long fd_memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* The kernel's own "name:\tvalue" lines. */
	while (fgets(line, sizeof(line), f)) {
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

static unsigned int fd_id(int fd, bool is_map)
{
	struct bpf_map_info mi = {};
	struct bpf_prog_info pi = {};
	__u32 len = is_map ? sizeof(mi) : sizeof(pi);

	if (bpf_obj_get_info_by_fd(fd, is_map ? (void *)&mi : (void *)&pi, &len))
		return 0;
	return is_map ? mi.id : pi.id;
}

static void print_cgroup(void)
{
	char line[512] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (f) {
		/* cgroup v2: "0::/path" */
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::", 3))
				break;
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	printf("Charged to memory cgroup %s (see memory.current there)\n",
	       !strncmp(line, "0::", 3) ? line + 3 : "(unknown)");
}

int main(int argc, char **argv)
{
	struct resource_limits_bpf *skel = NULL;
	struct rlimit tiny;
	rlim_t hard;
	unsigned long long total;
	enum accounting acct;
	int err, child_err;
	bool libbpf_memcg;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	/* Must come before libbpf's first bpf() call: afterwards it is -EBUSY. */
	if (libbpf_rlim >= 0) {
		if (!libbpf_set_memlock_rlim)
			return lesson_error(
				"-m: this libbpf does not export "
				"libbpf_set_memlock_rlim (1.1's libbpf.so); build with STATIC=1");
		err = libbpf_set_memlock_rlim((size_t)libbpf_rlim);
		if (err)
			return lesson_fail(err, "libbpf_set_memlock_rlim(%lld)", libbpf_rlim);
	}

	print_rlimit("now");
	acct = probe_accounting(&child_err);
	switch (acct) {
	case ACCT_MEMCG:
		printf("Probe: a child with RLIMIT_MEMLOCK=0 created a map: yes\n"
		       "Verdict: memcg: BPF memory is charged to the memory cgroup "
		       "(Linux 5.11+); RLIMIT_MEMLOCK does not apply\n");
		break;
	case ACCT_RLIMIT:
		printf("Probe: a child with RLIMIT_MEMLOCK=0 created a map: no (EPERM)\n"
		       "Verdict: rlimit: BPF memory is charged to RLIMIT_MEMLOCK (before Linux 5.11)\n");
		break;
	default:
		return lesson_error("accounting probe inconclusive: %s", strerror(child_err));
	}
	libbpf_memcg = libbpf_probe_memcg();
	printf("libbpf's own check: bpf_ktime_get_coarse_ns %s, so libbpf %s\n",
	       libbpf_memcg ? "exists (5.11+)" : "is missing (< 5.11)",
	       libbpf_memcg	  ? "leaves RLIMIT_MEMLOCK alone"
	       : libbpf_rlim == 0 ? "would raise RLIMIT_MEMLOCK, but -m 0 said never"
				  : "raises RLIMIT_MEMLOCK before creating anything");

	/* Lowering is always allowed; raising the hard limit needs CAP_SYS_RESOURCE. */
	getrlimit(RLIMIT_MEMLOCK, &tiny);
	hard = tiny.rlim_max;
	tiny.rlim_cur = tiny.rlim_max = tiny_limit;
	if (setrlimit(RLIMIT_MEMLOCK, &tiny))
		return lesson_error("cannot set RLIMIT_MEMLOCK to %llu: %s (hard limit %llu)",
				    tiny_limit, strerror(errno), (unsigned long long)hard);
	print_rlimit("for the maps");

	skel = resource_limits_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	err = resource_limits_bpf__load(skel);
	if (err) {
		if (err == -EPERM && acct == ACCT_RLIMIT)
			lesson_error(
				"the maps need more than RLIMIT_MEMLOCK allows: raise it "
				"(prlimit --memlock=unlimited) or let libbpf do it (drop -m 0)");
		err = lesson_fail(err, "creating maps under RLIMIT_MEMLOCK %llu", tiny_limit);
		goto cleanup;
	}
	print_rlimit("after load");

	printf("%-10s %-8s %6s %12s\n", "OBJECT", "KIND", "ID", "MEMLOCK");
	total = 0;
#define SHOW(name, fd, is_map)                                                        \
	do {                                                                          \
		unsigned long long m = fd_memlock(fd);                                \
		printf("%-10s %-8s %6u %12llu\n", name, (is_map) ? "map" : "program", \
		       fd_id(fd, is_map), m);                                         \
		total += m;                                                           \
	} while (0)
	SHOW("rl_big", bpf_map__fd(skel->maps.rl_big), true);
	SHOW("rl_hash", bpf_map__fd(skel->maps.rl_hash), true);
	SHOW("rl_filter", bpf_program__fd(skel->progs.rl_filter), false);
#undef SHOW
	printf("Total memlock %llu bytes, RLIMIT_MEMLOCK %llu: created anyway\n", total,
	       tiny_limit);
	if (acct == ACCT_MEMCG) {
		print_cgroup();
		printf("Before 5.11 this load needed RLIMIT_MEMLOCK of about %llu: with %llu it "
		       "fails with EPERM unless libbpf raises the limit first\n",
		       total, tiny_limit);
	}
	printf("Holding the maps. Ctrl-C to free them.\n");
	while (!lesson_should_stop())
		usleep(100 * 1000);

cleanup:
	resource_limits_bpf__destroy(skel);
	return err;
}
