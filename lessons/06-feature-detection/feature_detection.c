// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 06: ask this kernel what it supports, the way ebpf-go's features
 * package does: try it, and sort every answer into one of three outcomes.
 *
 * The probes themselves live in common/feature.c (feature_probe_prog_type,
 * feature_probe_map_type, feature_probe_helper, feature_probe): the test
 * suite's skip logic and the loaders that fall back use the same code.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include "feature.h"
#include "helpers.h"
#include "feature_detection.skel.h"

#define MAX_ARGS 16

static int prog_types[MAX_ARGS], nr_prog_types;
static int map_types[MAX_ARGS], nr_map_types;
static int helper_types[MAX_ARGS], nr_helper_types;

/* Features common/feature.c probes by loading *and attaching* a program. */
static const char *const attach_kinds[] = {
	"tracepoint", "raw_tp", "tp_btf", "kprobe", "kretprobe", "fentry", "fexit", "lsm", "uprobe",
};

static const struct argp_option opts[] = {
	{ "prog-type", 't', "TYPE", 0, "Probe program type TYPE (e.g. xdp; repeatable)" },
	{ "map-type", 'm', "TYPE", 0, "Probe map type TYPE (e.g. ringbuf; repeatable)" },
	{ "helpers", 'H', "TYPE", 0, "Probe every helper for program type TYPE (repeatable)" },
	{},
};

static void add(struct argp_state *state, const char *arg, int *list, int *nr, int value)
{
	if (*nr >= MAX_ARGS)
		argp_error(state, "invalid type '%s': at most %d of each kind", arg, MAX_ARGS);
	list[(*nr)++] = value;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int t;

	switch (key) {
	case 't':
	case 'H':
		t = feature_prog_type_by_name(arg);
		if (t <= 0)
			argp_error(
				state,
				"invalid program type '%s': not a libbpf name (e.g. xdp, kprobe)",
				arg);
		if (key == 't')
			add(state, arg, prog_types, &nr_prog_types, t);
		else
			add(state, arg, helper_types, &nr_helper_types, t);
		return 0;
	case 'm':
		t = feature_map_type_by_name(arg);
		if (t <= 0)
			argp_error(state,
				   "invalid map type '%s': not a libbpf name (e.g. hash, ringbuf)",
				   arg);
		add(state, arg, map_types, &nr_map_types, t);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Probe which BPF program types, map types, helpers and attach kinds this "
	       "kernel supports.\n"
	       "Without options: every program and map type, the attach kinds, and a "
	       "kprobe program loaded and then attached.\v"
	       "Every line is 'KIND NAME: supported', 'KIND NAME: unsupported (why)' or "
	       "'KIND NAME: inconclusive (why)'.\n"
	       "Example: feature_detection -t xdp -m ringbuf -H xdp",
	.children = lesson_argp_children,
};

/* One verdict line; the same words featprobe uses. */
static void report(const char *kind, const char *name, enum feature_verdict v, const char *why)
{
	if (v == FEATURE_SUPPORTED)
		printf("%s %s: %s\n", kind, name, feature_verdict_str(v));
	else
		printf("%s %s: %s (%s)\n", kind, name, feature_verdict_str(v), why);
}

static void probe_prog_type(int type)
{
	char why[256];
	enum feature_verdict v = feature_probe_prog_type(type, why, sizeof(why));

	report("prog_type", libbpf_bpf_prog_type_str(type), v, why);
}

static void probe_map_type(int type)
{
	char why[256];
	enum feature_verdict v = feature_probe_map_type(type, why, sizeof(why));

	report("map_type", libbpf_bpf_map_type_str(type), v, why);
}

static void probe_helpers(int type)
{
	const char *tname = libbpf_bpf_prog_type_str(type), *hname;
	char name[128], why[256];
	int h;

	/* Helper 0 is BPF_FUNC_unspec; the table ends where <linux/bpf.h> does. */
	for (h = 1; (hname = feature_helper_name(h)); h++) {
		enum feature_verdict v = feature_probe_helper(type, h, why, sizeof(why));

		snprintf(name, sizeof(name), "%s %s", tname, hname);
		report("helper", name, v, why);
	}
}

/*
 * "Known to the verifier" and "attachable" are two questions.  Loading the
 * kprobe program answers the first; attaching it answers the second.
 */
static void load_then_attach(void)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	struct feature_detection_bpf *skel;
	struct bpf_link *link;
	const char *sec;
	int err;

	skel = feature_detection_bpf__open();
	if (!skel) {
		printf("demo: cannot open BPF object: %s\n", strerror(errno));
		return;
	}
	sec = bpf_program__section_name(skel->progs.nanosleep_kprobe);
	err = feature_detection_bpf__load(skel);
	if (err) {
		printf("demo %s: load failed: %s\n", sec, strerror(-err));
		goto out;
	}
	bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.nanosleep_kprobe), &info, &info_len);
	printf("demo %s: load ok (prog id %u, type %s)\n", sec, info.id,
	       libbpf_bpf_prog_type_str(info.type));
	link = bpf_program__attach(skel->progs.nanosleep_kprobe);
	if (!link) {
		printf("demo %s: attach failed: %s\n", sec, strerror(errno));
		printf("=> the verifier knows kprobe programs, but this kernel cannot attach "
		       "them: a loadable type is not an attachable one\n");
		goto out;
	}
	printf("demo %s: attach ok\n", sec);
	bpf_link__destroy(link);
out:
	feature_detection_bpf__destroy(skel);
}

int main(int argc, char **argv)
{
	bool all;
	struct utsname u;
	char why[256];
	size_t i;
	int t, err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	/* Not an error: an unprivileged probe is the "inconclusive" outcome. */
	if (geteuid() != 0)
		fprintf(stderr,
			"feature_detection: not root: expect inconclusive verdicts (EPERM)\n");

	uname(&u);
	printf("Probing kernel %s %s with libbpf_probe_bpf_*() and real attaches.\n", u.release,
	       u.machine);
	all = !nr_prog_types && !nr_map_types && !nr_helper_types;

	/* Type 0 is "unspec" for both enums: nothing to probe. */
	if (all)
		for (t = 1; libbpf_bpf_prog_type_str(t); t++)
			probe_prog_type(t);
	for (i = 0; i < (size_t)nr_prog_types; i++)
		probe_prog_type(prog_types[i]);

	if (all)
		for (t = 1; libbpf_bpf_map_type_str(t); t++)
			probe_map_type(t);
	for (i = 0; i < (size_t)nr_map_types; i++)
		probe_map_type(map_types[i]);

	for (i = 0; i < (size_t)nr_helper_types; i++)
		probe_helpers(helper_types[i]);

	if (!all)
		return 0;
	for (i = 0; i < sizeof(attach_kinds) / sizeof(attach_kinds[0]); i++) {
		enum feature_verdict v = feature_probe(attach_kinds[i], why, sizeof(why));

		report("attach", attach_kinds[i], v, why);
	}
	load_then_attach();
	return 0;
}
