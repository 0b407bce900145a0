// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "feature.h"
#include "helpers.h"
#include "probe.skel.h"

enum probe_kind { PROG_TYPE, MAP_TYPE, ATTACH, CUSTOM };

struct feature {
	const char *name;
	enum probe_kind kind;
	int type;		/* bpf_prog_type / bpf_map_type */
	const char *prog;	/* program in probe.bpf.c, for ATTACH */
	enum feature_verdict (*fn)(char *why, size_t len);
};

static enum feature_verdict probe_btf(char *why, size_t len);
static enum feature_verdict probe_bpffs(char *why, size_t len);
static enum feature_verdict probe_tracefs(char *why, size_t len);
static enum feature_verdict probe_netns(char *why, size_t len);

static const struct feature features[] = {
	{ "btf", CUSTOM, .fn = probe_btf },
	{ "bpffs", CUSTOM, .fn = probe_bpffs },
	{ "tracefs", CUSTOM, .fn = probe_tracefs },
	{ "netns", CUSTOM, .fn = probe_netns },
	{ "xdp", PROG_TYPE, BPF_PROG_TYPE_XDP },
	{ "tc", PROG_TYPE, BPF_PROG_TYPE_SCHED_CLS },
	{ "cgroup_skb", PROG_TYPE, BPF_PROG_TYPE_CGROUP_SKB },
	{ "socket_filter", PROG_TYPE, BPF_PROG_TYPE_SOCKET_FILTER },
	{ "hash", MAP_TYPE, BPF_MAP_TYPE_HASH },
	{ "percpu_array", MAP_TYPE, BPF_MAP_TYPE_PERCPU_ARRAY },
	{ "ringbuf", MAP_TYPE, BPF_MAP_TYPE_RINGBUF },
	{ "perf_event_array", MAP_TYPE, BPF_MAP_TYPE_PERF_EVENT_ARRAY },
	{ "prog_array", MAP_TYPE, BPF_MAP_TYPE_PROG_ARRAY },
	{ "tracepoint", ATTACH, .prog = "probe_tracepoint" },
	{ "raw_tp", ATTACH, .prog = "probe_raw_tp" },
	{ "tp_btf", ATTACH, .prog = "probe_tp_btf" },
	{ "kprobe", ATTACH, .prog = "probe_kprobe" },
	{ "kretprobe", ATTACH, .prog = "probe_kretprobe" },
	{ "fentry", ATTACH, .prog = "probe_fentry" },
	{ "fexit", ATTACH, .prog = "probe_fexit" },
	{ "lsm", ATTACH, .prog = "probe_lsm" },
	{ "uprobe", ATTACH, .prog = "probe_uprobe" },
};

#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

const char *const feature_names[NR_FEATURES + 1] = {
	"btf", "bpffs", "tracefs", "netns", "xdp", "tc", "cgroup_skb",
	"socket_filter", "hash", "percpu_array", "ringbuf", "perf_event_array",
	"prog_array", "tracepoint", "raw_tp", "tp_btf", "kprobe", "kretprobe",
	"fentry", "fexit", "lsm", "uprobe", NULL,
};

const char *feature_verdict_str(enum feature_verdict v)
{
	switch (v) {
	case FEATURE_SUPPORTED:
		return "supported";
	case FEATURE_UNSUPPORTED:
		return "unsupported";
	default:
		return "inconclusive";
	}
}

static enum feature_verdict say(enum feature_verdict v, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return v;
}

static enum feature_verdict probe_btf(char *why, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return FEATURE_SUPPORTED;
	return say(FEATURE_UNSUPPORTED, why, len, "/sys/kernel/btf/vmlinux missing (CONFIG_DEBUG_INFO_BTF off)");
}

static enum feature_verdict probe_bpffs(char *why, size_t len)
{
	if (lesson_ensure_bpffs() == 0)
		return FEATURE_SUPPORTED;
	return say(FEATURE_UNSUPPORTED, why, len, "cannot mount bpffs on /sys/fs/bpf");
}

static enum feature_verdict probe_tracefs(char *why, size_t len)
{
	if (lesson_ensure_tracefs())
		return FEATURE_SUPPORTED;
	return say(FEATURE_UNSUPPORTED, why, len, "cannot mount tracefs");
}

static enum feature_verdict probe_netns(char *why, size_t len)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return say(FEATURE_INCONCLUSIVE, why, len, "fork/wait failed");
	if (WEXITSTATUS(status))
		return say(FEATURE_UNSUPPORTED, why, len, "unshare(CLONE_NEWNET): %s", strerror(WEXITSTATUS(status)));
	return FEATURE_SUPPORTED;
}

/* A function for the uprobe probe to attach to; noinline keeps its symbol. */
__attribute__((noinline)) int feature_uprobe_target(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

static enum feature_verdict probe_attach(const char *prog_name, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = "feature_uprobe_target");
	struct bpf_program *prog, *want = NULL;
	enum feature_verdict v = FEATURE_SUPPORTED;
	struct bpf_link *link = NULL;
	struct probe_bpf *skel;
	int err;

	/* Tracepoints and legacy probes are found through tracefs. */
	lesson_ensure_tracefs();
	skel = probe_bpf__open();
	if (!skel)
		return say(FEATURE_INCONCLUSIVE, why, len, "cannot open probe object: %s", strerror(errno));
	bpf_object__for_each_program(prog, skel->obj) {
		bool me = strcmp(bpf_program__name(prog), prog_name) == 0;

		bpf_program__set_autoload(prog, me);
		if (me)
			want = prog;
	}
	err = probe_bpf__load(skel);
	if (err) {
		v = say(FEATURE_UNSUPPORTED, why, len, "kernel refused to load %s: %s",
			bpf_program__section_name(want), strerror(-err));
		goto out;
	}
	if (strcmp(prog_name, "probe_uprobe") == 0)
		link = bpf_program__attach_uprobe_opts(want, -1, "/proc/self/exe", 0, &uopts);
	else
		link = bpf_program__attach(want);
	if (!link)
		v = say(FEATURE_UNSUPPORTED, why, len, "cannot attach %s: %s",
			bpf_program__section_name(want), strerror(errno));
out:
	bpf_link__destroy(link);
	probe_bpf__destroy(skel);
	return v;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

enum feature_verdict feature_probe(const char *name, char *why, size_t len)
{
	const struct feature *f = NULL;
	libbpf_print_fn_t old = NULL;
	enum feature_verdict v;
	size_t i;
	int ret;

	for (i = 0; i < NR_FEATURES; i++)
		if (strcmp(features[i].name, name) == 0)
			f = &features[i];
	if (!f)
		return say(FEATURE_INCONCLUSIVE, why, len, "unknown feature '%s'", name);
	if (why && len)
		why[0] = '\0';
	/* A failed probe is an answer, not an error: keep libbpf quiet. */
	if (!lesson_env.verbose)
		old = libbpf_set_print(quiet);

	switch (f->kind) {
	case PROG_TYPE:
		ret = libbpf_probe_bpf_prog_type(f->type, NULL);
		goto verdict;
	case MAP_TYPE:
		ret = libbpf_probe_bpf_map_type(f->type, NULL);
	verdict:
		if (ret > 0)
			v = FEATURE_SUPPORTED;
		else if (ret == 0)
			v = say(FEATURE_UNSUPPORTED, why, len, "kernel rejects %s %s",
				f->kind == PROG_TYPE ? "program type" : "map type", f->name);
		else
			v = say(FEATURE_INCONCLUSIVE, why, len, "probe failed: %s", strerror(-ret));
		break;
	case ATTACH:
		v = probe_attach(f->prog, why, len);
		break;
	default:
		v = f->fn(why, len);
		break;
	}
	if (!lesson_env.verbose)
		libbpf_set_print(old);
	return v;
}
