// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 45 loader: attach ingress_prog_func and egress_prog_func to an
 * interface and print both counts once a second, like the ebpf-go tcx
 * example.  -m auto (default) uses tcx links where the kernel has them and
 * falls back to a clsact qdisc with two filters (lesson 19) where not.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf_version.h>
#include "feature.h"
#include "helpers.h"
#include "tcx.skel.h"

/*
 * The uapi values of BPF_TCX_INGRESS / BPF_TCX_EGRESS (6.6).  Older
 * <linux/bpf.h> lack the names; the kernel only needs the numbers.
 */
#define LESSON_TCX_INGRESS ((enum bpf_attach_type)46)
#define LESSON_TCX_EGRESS  ((enum bpf_attach_type)47)

/* bpf_program__attach_tcx() arrived in libbpf 1.3. */
#if LIBBPF_MAJOR_VERSION > 1 || LIBBPF_MINOR_VERSION >= 3
#define HAVE_ATTACH_TCX 1
#else
#define HAVE_ATTACH_TCX 0
#endif

enum mode { MODE_AUTO, MODE_TCX, MODE_CLSACT };
static const char *const mode_names[] = { "auto", "tcx", "clsact", NULL };

static const char *ifname = "lo";
static int ifindex;
static enum mode mode = MODE_AUTO;

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to count on (default: lo)" },
	{ "mode", 'm', "MODE", 0, "auto (default), tcx (6.6+) or clsact" },
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
		mode = lesson_arg_choice(state, arg, "mode", mode_names);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count packets at an interface's TC ingress and egress hooks with tcx links.\v"
	       "Example: tcx -i veth0 -d 10",
	.children = lesson_argp_children,
};

/*
 * One tcx link.  With libbpf >= 1.3 the library call; with 1.1 the
 * syscall wrapper it is built on: BPF_LINK_CREATE with target_ifindex and
 * a tcx attach type.  Either way a bpf_link: gone when its fd closes.
 */
static struct bpf_link *attach_tcx(struct bpf_program *prog, enum bpf_attach_type type,
				   int *link_fd)
{
#if HAVE_ATTACH_TCX
	struct bpf_link *link = bpf_program__attach_tcx(prog, ifindex, NULL);

	*link_fd = -1;
	if (!link)
		lesson_fail(-errno, "attaching %s with tcx", bpf_program__name(prog));
	return link;
#else
	int fd = bpf_link_create(bpf_program__fd(prog), ifindex, type, NULL);

	if (fd < 0)
		lesson_fail(fd, "attaching %s with tcx (BPF_LINK_CREATE)", bpf_program__name(prog));
	*link_fd = fd;
	return NULL;
#endif
}

int main(int argc, char **argv)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, in_opts, .handle = 1, .priority = 1);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, eg_opts, .handle = 1, .priority = 1);
	struct bpf_link *in_link = NULL, *eg_link = NULL;
	int in_fd = -1, eg_fd = -1, err = 0;
	bool created = false, in_attached = false, eg_attached = false;
	enum feature_verdict v;
	struct tcx_bpf *skel;
	char why[256];

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

	/* Ask the kernel, not its version (lesson 06). */
	v = feature_probe("tcx", why, sizeof(why));
	if (v == FEATURE_INCONCLUSIVE)
		return lesson_error("cannot tell whether the kernel has tcx: %s", why);
	if (mode == MODE_TCX && v != FEATURE_SUPPORTED)
		return lesson_error("-m tcx: kernel lacks tcx: %s", why);
	if (mode == MODE_AUTO)
		mode = v == FEATURE_SUPPORTED ? MODE_TCX : MODE_CLSACT;

	skel = tcx_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	/*
	 * SEC("tc") leaves the expected attach type 0.  libbpf >= 1.3's
	 * attach_tcx passes that type to the kernel, so set the tcx ones (SEC
	 * "tcx/ingress" would, but libbpf 1.1 does not know that name).
	 */
	if (mode == MODE_TCX) {
		bpf_program__set_expected_attach_type(skel->progs.ingress_prog_func,
						      LESSON_TCX_INGRESS);
		bpf_program__set_expected_attach_type(skel->progs.egress_prog_func,
						      LESSON_TCX_EGRESS);
	}
	err = tcx_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	if (mode == MODE_TCX) {
		/* Go: link.AttachTCX(link.TCXOptions{Interface, Program, Attach: ...}) */
		in_link = attach_tcx(skel->progs.ingress_prog_func, LESSON_TCX_INGRESS, &in_fd);
		if (!in_link && in_fd < 0) {
			err = 1;
			goto cleanup;
		}
		eg_link = attach_tcx(skel->progs.egress_prog_func, LESSON_TCX_EGRESS, &eg_fd);
		if (!eg_link && eg_fd < 0) {
			err = 1;
			goto cleanup;
		}
	} else {
		/* Lesson 19's way: a clsact qdisc (ours or not) and two filters. */
		hook.ifindex = ifindex;
		err = bpf_tc_hook_create(&hook);
		if (err && err != -EEXIST) {
			err = lesson_fail(err, "creating clsact qdisc on %s", ifname);
			goto cleanup;
		}
		created = !err;
		in_opts.prog_fd = bpf_program__fd(skel->progs.ingress_prog_func);
		err = bpf_tc_attach(&hook, &in_opts);
		if (err) {
			err = lesson_fail(err, "attaching ingress_prog_func to %s", ifname);
			goto cleanup;
		}
		in_attached = true;
		hook.attach_point = BPF_TC_EGRESS;
		eg_opts.prog_fd = bpf_program__fd(skel->progs.egress_prog_func);
		err = bpf_tc_attach(&hook, &eg_opts);
		if (err) {
			err = lesson_fail(err, "attaching egress_prog_func to %s", ifname);
			goto cleanup;
		}
		eg_attached = true;
	}
	printf("Attached ingress_prog_func and egress_prog_func to %s (ifindex %d) with %s. "
	       "Ctrl-C to stop.\n",
	       ifname, ifindex,
	       mode == MODE_TCX ? (HAVE_ATTACH_TCX ? "tcx links (bpf_program__attach_tcx)"
						   : "tcx links (bpf_link_create)")
				: (created ? "a new clsact qdisc" : "an existing clsact qdisc"));

	while (!lesson_should_stop()) {
		sleep(1);
		/* Go: objs.IngressPktCount.Get(&v) reads the variable; here .bss is mmapped. */
		printf("Packet count: ingress %llu, egress %llu\n",
		       (unsigned long long)skel->bss->ingress_pkt_count,
		       (unsigned long long)skel->bss->egress_pkt_count);
	}

cleanup:
	/* tcx links: closing the last fd detaches (SIGKILL does it too). */
	bpf_link__destroy(in_link);
	bpf_link__destroy(eg_link);
	if (in_fd >= 0)
		close(in_fd);
	if (eg_fd >= 0)
		close(eg_fd);
	/* clsact filters are not links: remove them, and a qdisc we made. */
	if (in_attached) {
		hook.attach_point = BPF_TC_INGRESS;
		in_opts.prog_fd = in_opts.prog_id = in_opts.flags = 0;
		bpf_tc_detach(&hook, &in_opts);
	}
	if (eg_attached) {
		hook.attach_point = BPF_TC_EGRESS;
		eg_opts.prog_fd = eg_opts.prog_id = eg_opts.flags = 0;
		bpf_tc_detach(&hook, &eg_opts);
	}
	if (created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	tcx_bpf__destroy(skel);
	return err;
}
