// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 07 loader: load the counter, pin its map and its link in bpffs,
 * and exit.  The pins hold the references the loader's fds held, so the
 * program keeps counting.  A second run finds the pinned map (libbpf reuses
 * it at load) and swaps its new program into the pinned link; --unpin drops
 * the last references and the kernel frees everything.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "pin.h"
#include "object_lifecycle.skel.h"

static const char *ifname = "lo";
static int ifindex; /* from -i; 0: look ifname up in main() */
static const char *pin_dir = "/sys/fs/bpf/object_lifecycle";
static bool unpin;

enum { OPT_UNPIN = 1000 };

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to count packets on (default: lo)" },
	{ "pin-dir", 'P', "DIR", 0,
	  "bpffs directory for the pins "
	  "(default: /sys/fs/bpf/object_lifecycle)" },
	{ "unpin", OPT_UNPIN, NULL, 0, "Remove the pins: the kernel frees link, program and map" },
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
	.doc = "Attach a packet counter, pin its map and link, and exit: it keeps counting.\v"
	       "Run it again to read the count and reload the program into the same link "
	       "and map; --unpin removes everything.\n"
	       "Example: object_lifecycle -i veth0; bpftool map dump pinned "
	       "/sys/fs/bpf/object_lifecycle/pkt_count",
	.children = lesson_argp_children,
};

/* What --unpin removes: the link first, so the program is detached first. */
static const char *const pins[] = { "link", "pkt_count" };

/*
 * A link pinned by an earlier run: check it is an XDP link on our interface,
 * then atomically swap in the program we just loaded.
 */
static struct bpf_link *reuse_link(const char *path, struct bpf_program *prog, int ifindex)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct bpf_link *link;
	__u32 old_prog;
	int err;

	link = bpf_link__open(path);
	if (!link) {
		lesson_fail(-errno, "opening pinned link %s", path);
		return NULL;
	}
	err = bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len);
	if (err || info.type != BPF_LINK_TYPE_XDP || (int)info.xdp.ifindex != ifindex) {
		lesson_error("%s is not an XDP link on %s (ifindex %u): use --unpin first", path,
			     ifname, info.xdp.ifindex);
		goto fail;
	}
	old_prog = info.prog_id;
	err = bpf_link__update_program(link, prog);
	if (err) {
		lesson_fail(err, "replacing the program in %s", path);
		goto fail;
	}
	printf("Link: reused pin %s (link id %u): prog id %u replaced by %u\n", path, info.id,
	       old_prog, lesson_obj_id(bpf_program__fd(prog)));
	return link;
fail:
	bpf_link__destroy(link);
	return NULL;
}

static struct bpf_link *new_link(const char *path, struct bpf_program *prog, int ifindex)
{
	struct bpf_link *link = lesson_attach_xdp(prog, ifindex);
	int err;

	if (!link)
		return NULL;
	/* The pin is a second reference: closing our fd no longer detaches. */
	err = bpf_link__pin(link, path);
	if (err) {
		lesson_fail(err, "pinning link at %s", path);
		bpf_link__destroy(link);
		return NULL;
	}
	printf("Link: pinned %s (link id %u): prog id %u attached to %s\n", path,
	       lesson_obj_id(bpf_link__fd(link)), lesson_obj_id(bpf_program__fd(prog)), ifname);
	return link;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct object_lifecycle_bpf *skel = NULL;
	char map_pin[PATH_MAX], link_pin[PATH_MAX];
	struct bpf_link *link = NULL;
	bool map_was_pinned;
	__u32 key = 0;
	__u64 count = 0;
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
	if (ifindex < 0 || lesson_pin_dir_prepare(pin_dir))
		return 1;
	lesson_pin_path(map_pin, sizeof(map_pin), pin_dir, "pkt_count");
	lesson_pin_path(link_pin, sizeof(link_pin), pin_dir, "link");
	map_was_pinned = access(map_pin, F_OK) == 0;

	/* LIBBPF_PIN_BY_NAME maps are looked up in, and pinned to, this dir. */
	open_opts.pin_root_path = pin_dir;
	skel = object_lifecycle_bpf__open_opts(&open_opts);
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	err = object_lifecycle_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = bpf_map__lookup_elem(skel->maps.pkt_count, &key, sizeof(key), &count, sizeof(count),
				   0);
	if (err) {
		err = lesson_fail(err, "reading pkt_count");
		goto cleanup;
	}
	printf("Map: %s %s (map id %u): count so far %llu\n",
	       map_was_pinned ? "reused pin" : "created and pinned", map_pin,
	       lesson_obj_id(bpf_map__fd(skel->maps.pkt_count)), (unsigned long long)count);

	if (access(link_pin, F_OK) == 0)
		link = reuse_link(link_pin, skel->progs.lifecycle_count, ifindex);
	else
		link = new_link(link_pin, skel->progs.lifecycle_count, ifindex);
	if (!link) {
		err = 1;
		goto cleanup;
	}
	printf("Loader exits; the pins keep link, program and map alive. "
	       "Run again to reload, --unpin to remove.\n");

cleanup:
	/* Closes our fds only: what is pinned stays. */
	bpf_link__destroy(link);
	object_lifecycle_bpf__destroy(skel);
	/* A failed first run leaves nothing behind (libbpf pinned at load). */
	if (err && !map_was_pinned && unlink(map_pin) == 0)
		rmdir(pin_dir);
	return err;
}
