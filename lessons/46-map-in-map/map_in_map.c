// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 46 loader: build maps of maps from user space and swap an inner
 * map while the program runs.  Three inner ARRAYs of different sizes are
 * created with bpf_map_create(); a template map tells the kernel, before
 * load, what the outer maps will hold; then the loader makes its own
 * getpid() calls and shows which inner map counted them after each change.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "pin.h"
#include "map_in_map.skel.h"

static struct {
	long calls;
} env = { .calls = 3 };

static const struct argp_option opts[] = {
	{ "calls", 'n', "N", 0, "getpid() calls per step (default 3)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'n':
		env.calls = lesson_arg_long(state, arg, "calls", 1, 1000000);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "ARRAY_OF_MAPS and HASH_OF_MAPS: inner maps made, sized and swapped from user "
	       "space; then hold them until Ctrl-C (or -d) for bpftool to look at.\v"
	       "Example: map_in_map -n 5 -d 10",
	.children = lesson_argp_children,
};

struct inner {
	const char *name;
	__u32 entries;
	int fd;
};

static struct inner inners[] = {
	{ "inner_a", 4, -1 },
	{ "inner_b", 16, -1 },
	{ "inner_c", 64, -1 },
};
#define NR_INNERS (int)(sizeof(inners) / sizeof(inners[0]))

static void getpid_calls(void)
{
	long i;

	/* The real system call each time (glibc may not cache it, but be sure). */
	for (i = 0; i < env.calls; i++)
		syscall(SYS_getpid);
}

/* Slot 0 of every inner map: who counted the calls. */
static int show(const char *step)
{
	__u32 zero = 0;
	__u64 v;
	int i;

	printf("%-36s", step);
	for (i = 0; i < NR_INNERS; i++) {
		if (bpf_map_lookup_elem(inners[i].fd, &zero, &v))
			return lesson_fail(-errno, "reading %s", inners[i].name);
		printf(" %s[0]=%llu", inners[i].name, (unsigned long long)v);
	}
	printf("\n");
	return 0;
}

static int point(struct bpf_map *outer, __u32 key, struct inner *in)
{
	/* The value written is an fd; the kernel stores (and reports) the map. */
	int err = bpf_map__update_elem(outer, &key, sizeof(key), &in->fd, sizeof(in->fd), BPF_ANY);

	if (err)
		return lesson_fail(err, "%s[%u] = %s", bpf_map__name(outer), key, in->name);
	return 0;
}

int main(int argc, char **argv)
{
	/*
	 * BPF_F_INNER_MAP: inner ARRAYs may differ in size from the template.
	 * The kernel also wants every inner map's flags equal to the
	 * template's, so all of them carry it.
	 */
	LIBBPF_OPTS(bpf_map_create_opts, inner_opts, .map_flags = BPF_F_INNER_MAP);
	struct map_in_map_bpf *skel = NULL;
	__u32 zero = 0, pid = getpid();
	int tmpl = -1, err = 1, i;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	for (i = 0; i < NR_INNERS; i++) {
		inners[i].fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, inners[i].name, sizeof(__u32),
					      sizeof(__u64), inners[i].entries, &inner_opts);
		if (inners[i].fd < 0) {
			err = lesson_fail(inners[i].fd, "creating %s", inners[i].name);
			goto cleanup;
		}
	}
	tmpl = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner_tmpl", sizeof(__u32), sizeof(__u64), 1,
			      &inner_opts);
	if (tmpl < 0) {
		err = lesson_fail(tmpl, "creating the inner map template");
		goto cleanup;
	}

	skel = map_in_map_bpf__open();
	if (!skel) {
		err = lesson_fail(-errno, "opening BPF object");
		goto cleanup;
	}
	skel->rodata->target_tgid = pid;
	/* The outer maps are created at load: the kernel copies the template's shape. */
	if ((err = bpf_map__set_inner_map_fd(skel->maps.outer_array, tmpl)) ||
	    (err = bpf_map__set_inner_map_fd(skel->maps.outer_hash, tmpl))) {
		err = lesson_fail(err, "setting the inner map template");
		goto cleanup;
	}
	err = map_in_map_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	/* Only its shape mattered: the template itself is no longer needed. */
	close(tmpl);
	tmpl = -1;
	err = map_in_map_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to syscalls/sys_enter_getpid");
		goto cleanup;
	}

	for (i = 0; i < NR_INNERS; i++)
		printf("Created %s: ARRAY, %u entries, map id %u\n", inners[i].name,
		       inners[i].entries, lesson_obj_id(inners[i].fd));
	printf("Counting this process's getpid() calls (PID %u), %ld per step.\n", pid, env.calls);

	err = point(skel->maps.outer_array, zero, &inners[0]) ||
	      point(skel->maps.outer_hash, pid, &inners[2]);
	getpid_calls();
	if (err || (err = show("outer_array[0]=inner_a, hash=inner_c:")))
		goto cleanup;

	/* The swap: one update, and the program's next lookup finds inner_b. */
	err = point(skel->maps.outer_array, zero, &inners[1]);
	getpid_calls();
	if (err || (err = show("outer_array[0]=inner_b, hash=inner_c:")))
		goto cleanup;

	/* Remove the hash entry: the program's lookup now finds nothing. */
	err = bpf_map__delete_elem(skel->maps.outer_hash, &pid, sizeof(pid), 0);
	if (err) {
		err = lesson_fail(err, "deleting outer_hash[%u]", pid);
		goto cleanup;
	}
	getpid_calls();
	if ((err = show("outer_array[0]=inner_b, hash empty:")))
		goto cleanup;

	printf("Holding the maps. Ctrl-C to stop.\n");
	while (!lesson_should_stop())
		usleep(100 * 1000);

cleanup:
	map_in_map_bpf__destroy(skel);
	if (tmpl >= 0)
		close(tmpl);
	for (i = 0; i < NR_INNERS; i++)
		if (inners[i].fd >= 0)
			close(inners[i].fd);
	return err;
}
