// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "feature.h"
#include "helpers.h"
#include "hook.h"
#include "probe.skel.h"

enum probe_kind { PROG_TYPE, MAP_TYPE, ATTACH, CUSTOM };

struct feature {
	const char *name;
	enum probe_kind kind;
	int type;	  /* bpf_prog_type / bpf_map_type */
	const char *prog; /* program in probe.bpf.c, for ATTACH */
	enum feature_verdict (*fn)(char *why, size_t len);
};

static enum feature_verdict probe_btf(char *why, size_t len);
static enum feature_verdict probe_bpffs(char *why, size_t len);
static enum feature_verdict probe_tracefs(char *why, size_t len);
static enum feature_verdict probe_netns(char *why, size_t len);
static enum feature_verdict probe_tcx(char *why, size_t len);
static enum feature_verdict probe_xdp_live_frames(char *why, size_t len);
static enum feature_verdict probe_perf_event(char *why, size_t len);
static enum feature_verdict probe_perf_link(char *why, size_t len);
static enum feature_verdict probe_lsm(char *why, size_t len);
static enum feature_verdict probe_sched_ext(char *why, size_t len);

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
	{ "lsm", CUSTOM, .fn = probe_lsm },
	{ "uprobe", ATTACH, .prog = "probe_uprobe" },
	{ "perf_event", CUSTOM, .fn = probe_perf_event },
	{ "perf_link", CUSTOM, .fn = probe_perf_link },
	{ "tcx", CUSTOM, .fn = probe_tcx },
	{ "xdp_live", CUSTOM, .fn = probe_xdp_live_frames },
	{ "sched_ext", CUSTOM, .fn = probe_sched_ext },
};

#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

const char *const feature_names[NR_FEATURES + 1] = {
	"btf",	      "bpffs",	      "tracefs",    "netns",
	"xdp",	      "tc",	      "cgroup_skb", "socket_filter",
	"hash",	      "percpu_array", "ringbuf",    "perf_event_array",
	"prog_array", "tracepoint",   "raw_tp",	    "tp_btf",
	"kprobe",     "kretprobe",    "fentry",	    "fexit",
	"lsm",	      "uprobe",	      "perf_event", "tcx",
	"xdp_live",   "sched_ext",    "perf_link",  NULL,
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
	return say(FEATURE_UNSUPPORTED, why, len,
		   "/sys/kernel/btf/vmlinux missing (CONFIG_DEBUG_INFO_BTF off)");
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
		return say(FEATURE_UNSUPPORTED, why, len, "unshare(CLONE_NEWNET): %s",
			   strerror(WEXITSTATUS(status)));
	return FEATURE_SUPPORTED;
}

/*
 * What a sampling profiler does: a cpu-clock perf event on this CPU with a
 * BPF_PROG_TYPE_PERF_EVENT program attached to it -- through a BPF link
 * (BPF_LINK_CREATE, 5.15+) when @link, else through PERF_EVENT_IOC_SET_BPF.
 */
static enum feature_verdict perf_event_attach(bool link, char *why, size_t len)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 1000000,
	};
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	enum feature_verdict v = FEATURE_SUPPORTED;
	int cpu = sched_getcpu(), pfd, bfd, lfd;

	pfd = (int)syscall(SYS_perf_event_open, &attr, -1, cpu < 0 ? 0 : cpu, -1,
			   PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return say(errno == EACCES || errno == EPERM ? FEATURE_INCONCLUSIVE
							     : FEATURE_UNSUPPORTED,
			   why, len, "perf_event_open(cpu-clock): %s", strerror(errno));
	bfd = bpf_prog_load(BPF_PROG_TYPE_PERF_EVENT, NULL, "GPL", insns, 2, NULL);
	if (bfd < 0) {
		v = say(errno == EPERM ? FEATURE_INCONCLUSIVE : FEATURE_UNSUPPORTED, why, len,
			"kernel refused a perf_event program: %s", strerror(errno));
	} else if (link) {
		/* 41 is BPF_PERF_EVENT (older uapi headers lack it) */
		lfd = bpf_link_create(bfd, pfd, (enum bpf_attach_type)41, NULL);
		if (lfd >= 0)
			close(lfd);
		else if (lfd == -EINVAL)
			v = say(FEATURE_UNSUPPORTED, why, len,
				"BPF_LINK_CREATE refuses a perf event (perf links: 5.15+)");
		else
			v = say(FEATURE_INCONCLUSIVE, why, len, "probe failed: BPF_LINK_CREATE: %s",
				strerror(-lfd));
		close(bfd);
	} else {
		if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, bfd))
			v = say(FEATURE_UNSUPPORTED, why, len,
				"cannot attach a program to a perf event: %s", strerror(errno));
		close(bfd);
	}
	close(pfd);
	return v;
}

static enum feature_verdict probe_perf_event(char *why, size_t len)
{
	return perf_event_attach(false, why, len);
}

static enum feature_verdict probe_perf_link(char *why, size_t len)
{
	return perf_event_attach(true, why, len);
}

/*
 * tcx links (6.6): ask for the tcx programs on lo's ingress.  A kernel with
 * tcx answers (0 programs); one without refuses the attach type (EINVAL).
 * Nothing is attached.  46 is BPF_TCX_INGRESS (older uapi headers lack it).
 */
static enum feature_verdict probe_tcx(char *why, size_t len)
{
	__u32 cnt = 0, flags = 0;
	int err;

	if (!lesson_has_bpf_caps(false))
		return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: EPERM: not root");
	err = bpf_prog_query(1, (enum bpf_attach_type)46, 0, &flags, NULL, &cnt);
	if (!err)
		return FEATURE_SUPPORTED;
	if (err == -EINVAL)
		return say(FEATURE_UNSUPPORTED, why, len,
			   "BPF_PROG_QUERY refuses BPF_TCX_INGRESS (tcx links: 6.6+)");
	return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: BPF_PROG_QUERY: %s",
		   strerror(-err));
}

/*
 * BPF_F_TEST_XDP_LIVE_FRAMES (5.18): run an XDP_DROP program once on one
 * frame in live mode.  Older kernels refuse the flag with EINVAL.
 */
static enum feature_verdict probe_xdp_live_frames(char *why, size_t len)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/*
	 * batch_size came with live frames: a kernel without them either
	 * refuses the flag or (5.10) ignores it and runs the program once the
	 * ordinary way, but it always refuses a field past its own attr.
	 */
	LIBBPF_OPTS(bpf_test_run_opts, topts, .repeat = 1, .flags = 1U << 1, .batch_size = 1);
	unsigned char frame[64] = { [12] = 0x08 };
	int fd, err;

	if (!lesson_has_bpf_caps(false))
		return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: EPERM: not root");
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", insns, 2, NULL);
	if (fd < 0)
		return say(FEATURE_UNSUPPORTED, why, len, "kernel refused an XDP program: %s",
			   strerror(-fd));
	topts.data_in = frame;
	topts.data_size_in = sizeof(frame);
	err = bpf_prog_test_run_opts(fd, &topts);
	close(fd);
	if (!err)
		return FEATURE_SUPPORTED;
	if (err == -EINVAL)
		return say(FEATURE_UNSUPPORTED, why, len,
			   "BPF_PROG_RUN refuses BPF_F_TEST_XDP_LIVE_FRAMES (5.18+)");
	return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: BPF_PROG_RUN: %s",
		   strerror(-err));
}

/*
 * sched_ext (6.12, CONFIG_SCHED_CLASS_EXT): the kernel's BTF has the
 * struct_ops type a scheduler fills in, and /sys/kernel/sched_ext exists.
 * Both absent: unsupported; one without the other (or no BTF to ask):
 * inconclusive.
 */
static enum feature_verdict probe_sched_ext(char *why, size_t len)
{
	bool sysfs = access("/sys/kernel/sched_ext/state", R_OK) == 0;
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool type;

	if (!vmlinux)
		return say(FEATURE_INCONCLUSIVE, why, len,
			   "probe failed: cannot read kernel BTF: %s", strerror(errno));
	type = btf__find_by_name_kind(vmlinux, "sched_ext_ops", BTF_KIND_STRUCT) > 0;
	btf__free(vmlinux);
	if (type && sysfs)
		return FEATURE_SUPPORTED;
	if (!type && !sysfs)
		return say(FEATURE_UNSUPPORTED, why, len,
			   "no sched_ext_ops in kernel BTF, no /sys/kernel/sched_ext "
			   "(CONFIG_SCHED_CLASS_EXT off; 6.12+)");
	return say(FEATURE_INCONCLUSIVE, why, len,
		   "probe failed: sched_ext_ops in BTF %s, /sys/kernel/sched_ext/state %s",
		   type ? "present" : "absent", sysfs ? "present" : "absent");
}

/* A function for the uprobe probe to attach to; noinline keeps its symbol. */
__attribute__((noinline)) int feature_uprobe_target(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

const char *feature_unlink_func(void)
{
	static const char *name;
	struct btf *btf;

	if (name)
		return name;
	name = "do_unlinkat";
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return name;
	if (btf__find_by_name_kind(btf, "do_unlinkat", BTF_KIND_FUNC) < 0 &&
	    btf__find_by_name_kind(btf, "filename_unlinkat", BTF_KIND_FUNC) >= 0)
		name = "filename_unlinkat";
	btf__free(btf);
	return name;
}

/*
 * The kprobe and fentry probes hook feature_unlink_func(), not a name fixed
 * in probe.bpf.c: a kernel that renamed the function has kprobes all the same.
 */
static enum feature_verdict probe_attach(const char *prog_name, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = "feature_uprobe_target");
	bool kprobe = !strcmp(prog_name, "probe_kprobe") || !strcmp(prog_name, "probe_kretprobe");
	bool fentry = !strcmp(prog_name, "probe_fentry") || !strcmp(prog_name, "probe_fexit");
	struct bpf_program *prog, *want = NULL;
	enum feature_verdict v = FEATURE_SUPPORTED;
	struct bpf_link *link = NULL;
	struct probe_bpf *skel;
	const char *sec;
	char hook[64];
	int err;

	/* Tracepoints and legacy probes are found through tracefs. */
	lesson_ensure_tracefs();
	skel = probe_bpf__open();
	if (!skel)
		return say(FEATURE_INCONCLUSIVE, why, len, "cannot open probe object: %s",
			   strerror(errno));
	bpf_object__for_each_program (prog, skel->obj) {
		bool me = strcmp(bpf_program__name(prog), prog_name) == 0;

		bpf_program__set_autoload(prog, me);
		if (me)
			want = prog;
	}
	/* What the messages name: "kprobe/do_unlinkat", the hook really tried. */
	sec = bpf_program__section_name(want);
	if (kprobe || fentry)
		snprintf(hook, sizeof(hook), "%.*s/%s", (int)strcspn(sec, "/"), sec,
			 feature_unlink_func());
	else
		snprintf(hook, sizeof(hook), "%s", sec);
	if (kprobe || fentry)
		lesson_unlink_retarget(want);
	err = probe_bpf__load(skel);
	if (err) {
		v = say(FEATURE_UNSUPPORTED, why, len, "kernel refused to load %s: %s", hook,
			strerror(-err));
		goto out;
	}
	if (strcmp(prog_name, "probe_uprobe") == 0)
		link = bpf_program__attach_uprobe_opts(want, -1, "/proc/self/exe", 0, &uopts);
	else if (kprobe)
		lesson_unlink_kprobe(want, &link);
	else
		link = bpf_program__attach(want);
	if (!link)
		v = say(FEATURE_UNSUPPORTED, why, len, "cannot attach %s: %s", hook,
			strerror(errno));
out:
	bpf_link__destroy(link);
	probe_bpf__destroy(skel);
	return v;
}

/*
 * BPF LSM: a program that loads and attaches (CONFIG_BPF_LSM), and "bpf" in
 * the kernel's active LSM list.  Without it there (CONFIG_LSM, or lsm= at
 * boot) the attach succeeds but the hook never runs: Debian's 5.10.
 */
static enum feature_verdict probe_lsm(char *why, size_t len)
{
	static const char path[] = "/sys/kernel/security/lsm";
	enum feature_verdict v = probe_attach("probe_lsm", why, len);
	char list[512] = "", copy[512], *tok, *save;
	bool active = false;
	FILE *f;

	if (v != FEATURE_SUPPORTED)
		return v;
	f = fopen(path, "re");
	if (!f && errno == ENOENT &&
	    !mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		f = fopen(path, "re");
	if (!f)
		return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: cannot read %s: %s", path,
			   strerror(errno));
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	if (!list[0])
		return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: %s is empty", path);
	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok && !active; tok = strtok_r(NULL, ",", &save))
		active = strcmp(tok, "bpf") == 0;
	if (!active)
		return say(FEATURE_UNSUPPORTED, why, len,
			   "the BPF LSM is not active: %s lists %s (boot with lsm=%s,bpf)", path,
			   list, list);
	return FEATURE_SUPPORTED;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/*
 * libbpf_probe_bpf_*() by name and by value.  These are the probes lesson 06
 * teaches; feature_probe() and so featprobe and the test suite use them too.
 */
static const char *const helper_names[] = {
/* The mapper puts the commas in itself. */
#define HELPER_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
	__BPF_FUNC_MAPPER(HELPER_NAME)
#undef HELPER_NAME
};

#define NR_HELPERS (int)(sizeof(helper_names) / sizeof(helper_names[0]))

const char *feature_helper_name(int helper)
{
	if (helper < 0 || helper >= NR_HELPERS)
		return NULL;
	return helper_names[helper];
}

int feature_helper_by_name(const char *name)
{
	int i;

	/* Helper 0 is "unspec": not a helper anyone can ask for. */
	for (i = 1; i < NR_HELPERS; i++)
		if (strcmp(helper_names[i], name) == 0 || strcmp(helper_names[i] + 4, name) == 0)
			return i;
	return -1;
}

int feature_prog_type_by_name(const char *name)
{
	const char *s;
	int t;

	for (t = 0; (s = libbpf_bpf_prog_type_str(t)); t++)
		if (strcmp(s, name) == 0)
			return t;
	return -1;
}

int feature_map_type_by_name(const char *name)
{
	const char *s;
	int t;

	for (t = 0; (s = libbpf_bpf_map_type_str(t)); t++)
		if (strcmp(s, name) == 0)
			return t;
	return -1;
}

static enum feature_verdict probe_failed(int err, char *why, size_t len)
{
	return say(FEATURE_INCONCLUSIVE, why, len, "probe failed: %s: %s",
		   strerrorname_np(-err) ?: "?", strerror(-err));
}

enum feature_verdict feature_probe_prog_type(enum bpf_prog_type type, char *why, size_t len)
{
	const char *name = libbpf_bpf_prog_type_str(type) ?: "?";
	int ret;

	if (why && len)
		why[0] = '\0';
	/* libbpf answers 0 for any refused load: a "no" is only news when we may load. */
	if (!lesson_has_bpf_caps(false))
		return probe_failed(-EPERM, why, len);
	ret = libbpf_probe_bpf_prog_type(type, NULL);
	if (ret > 0)
		return FEATURE_SUPPORTED;
	if (ret == 0)
		return say(FEATURE_UNSUPPORTED, why, len, "kernel rejects program type %s", name);
	return probe_failed(ret, why, len);
}

enum feature_verdict feature_probe_map_type(enum bpf_map_type type, char *why, size_t len)
{
	const char *name = libbpf_bpf_map_type_str(type) ?: "?";
	int ret;

	if (why && len)
		why[0] = '\0';
	/* Same here: a map libbpf could not create is a "no", EPERM or not. */
	if (!lesson_has_bpf_caps(false))
		return probe_failed(-EPERM, why, len);
	ret = libbpf_probe_bpf_map_type(type, NULL);
	if (ret > 0)
		return FEATURE_SUPPORTED;
	if (ret == 0)
		return say(FEATURE_UNSUPPORTED, why, len, "kernel rejects map type %s", name);
	return probe_failed(ret, why, len);
}

/*
 * Second opinion on a helper libbpf called supported.  libbpf 1.1 reads the
 * verifier log for "unknown func"/"invalid func" only; newer kernels refuse a
 * helper with "program of this type cannot use helper", which libbpf 1.1
 * takes as a yes.  Load the same two-instruction program and read the log.
 */
static bool verifier_refuses_helper(enum bpf_prog_type type, enum bpf_func_id helper)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	static char log[4096];
	int fd;

	/* The attach types libbpf's own probe uses for types that need one. */
	if (type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR)
		opts.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
	else if (type == BPF_PROG_TYPE_SK_LOOKUP)
		opts.expected_attach_type = BPF_SK_LOOKUP;
	opts.log_buf = log;
	opts.log_size = sizeof(log);
	opts.log_level = 1;
	log[0] = '\0';
	fd = bpf_prog_load(type, NULL, "GPL", insns, 3, &opts);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return strstr(log, "cannot use helper") || strstr(log, "unknown func ") ||
	       strstr(log, "invalid func ");
}

enum feature_verdict feature_probe_helper(enum bpf_prog_type type, enum bpf_func_id helper,
					  char *why, size_t len)
{
	const char *name = libbpf_bpf_prog_type_str(type) ?: "?";
	const char *hname = feature_helper_name(helper) ?: "?";
	enum feature_verdict v;
	int ret;

	/*
	 * libbpf's helper probe only looks for "unknown func" in the verifier
	 * log: when the program type itself is missing it says "yes".  Ask
	 * about the type first, as bpftool does.
	 */
	v = feature_probe_prog_type(type, why, len);
	if (v == FEATURE_UNSUPPORTED)
		return say(v, why, len, "program type %s is unsupported", name);
	if (v != FEATURE_SUPPORTED)
		return v;
	ret = libbpf_probe_bpf_helper(type, helper, NULL);
	if (ret > 0 && verifier_refuses_helper(type, helper))
		return say(FEATURE_UNSUPPORTED, why, len,
			   "%s programs cannot call %s: "
			   "verifier says \"cannot use helper\", which libbpf 1.1's probe misses",
			   name, hname);
	if (ret > 0)
		return FEATURE_SUPPORTED;
	if (ret == 0)
		return say(FEATURE_UNSUPPORTED, why, len, "%s programs cannot call %s", name,
			   hname);
	return probe_failed(ret, why, len);
}

/* "prog_type:TYPE", "map_type:TYPE", "helper:TYPE:HELPER". */
static enum feature_verdict probe_by_type_name(const char *name, char *why, size_t len)
{
	const char *arg = strchr(name, ':') + 1, *colon;
	char type[64];
	int t, h;

	if (strncmp(name, "prog_type:", 10) == 0) {
		t = feature_prog_type_by_name(arg);
		if (t < 0)
			return say(FEATURE_INCONCLUSIVE, why, len, "unknown program type '%s'",
				   arg);
		return feature_probe_prog_type(t, why, len);
	}
	if (strncmp(name, "map_type:", 9) == 0) {
		t = feature_map_type_by_name(arg);
		if (t < 0)
			return say(FEATURE_INCONCLUSIVE, why, len, "unknown map type '%s'", arg);
		return feature_probe_map_type(t, why, len);
	}
	colon = strchr(arg, ':');
	if (strncmp(name, "helper:", 7) != 0 || !colon || (size_t)(colon - arg) >= sizeof(type))
		return say(FEATURE_INCONCLUSIVE, why, len, "unknown feature '%s'", name);
	snprintf(type, sizeof(type), "%.*s", (int)(colon - arg), arg);
	t = feature_prog_type_by_name(type);
	if (t < 0)
		return say(FEATURE_INCONCLUSIVE, why, len, "unknown program type '%s'", type);
	h = feature_helper_by_name(colon + 1);
	if (h < 0)
		return say(FEATURE_INCONCLUSIVE, why, len, "unknown helper '%s'", colon + 1);
	return feature_probe_helper(t, h, why, len);
}

enum feature_verdict feature_probe(const char *name, char *why, size_t len)
{
	const struct feature *f = NULL;
	libbpf_print_fn_t old = NULL;
	enum feature_verdict v;
	size_t i;

	for (i = 0; i < NR_FEATURES; i++)
		if (strcmp(features[i].name, name) == 0)
			f = &features[i];
	if (!f && !strchr(name, ':'))
		return say(FEATURE_INCONCLUSIVE, why, len, "unknown feature '%s'", name);
	if (why && len)
		why[0] = '\0';
	/* A failed probe is an answer, not an error: keep libbpf quiet. */
	if (!lesson_env.verbose)
		old = libbpf_set_print(quiet);

	if (!f) {
		v = probe_by_type_name(name, why, len);
		goto out;
	}
	switch (f->kind) {
	case PROG_TYPE:
		v = feature_probe_prog_type(f->type, why, len);
		break;
	case MAP_TYPE:
		v = feature_probe_map_type(f->type, why, len);
		break;
	case ATTACH:
		v = probe_attach(f->prog, why, len);
		break;
	default:
		v = f->fn(why, len);
		break;
	}
out:
	if (!lesson_env.verbose)
		libbpf_set_print(old);
	return v;
}
