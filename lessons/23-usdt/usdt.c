// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 23 loader: attach USDT probes with bpf_program__attach_usdt().
 * libbpf finds each probe in the ELF file's .note.stapsdt notes, so the
 * loader names a probe by PROVIDER:NAME, never by address.
 *
 *   usdt -b BINARY [-p PID] [-s N] PROVIDER:NAME...	print every hit with its arguments
 *   usdt --jvm -p PID					GC pauses of a HotSpot JVM (javagc)
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "feature.h"
#include "helpers.h"
#include "usdt.h"
#include "usdt.skel.h"

#define MAX_PROBES 16

static struct {
	const char *binary;
	int pid;
	int str_arg; /* 1-based; 0: none */
	bool jvm;
	int nr_probes;
	char *provider[MAX_PROBES];
	char *name[MAX_PROBES];
} opt;

static char jvm_path[4096];

static const struct argp_option opts[] = {
	{ "binary", 'b', "PATH", 0, "ELF file (program or library) that has the probes" },
	{ "pid", 'p', "PID", 0, "Only this process" },
	{ "string", 's', "N", 0, "Also read argument N (1-based) as a C string" },
	{ "jvm", 'j', NULL, 0,
	  "GC pauses of a HotSpot JVM: hotspot:gc__begin/gc__end in its libjvm.so (with -p,"
	  " found in the process's memory map)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *colon;

	switch (key) {
	case 'b':
		if (access(arg, R_OK))
			argp_error(state, "invalid binary '%s': %s", arg, strerror(errno));
		opt.binary = arg;
		break;
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		break;
	case 's':
		opt.str_arg = (int)lesson_arg_long(state, arg, "argument number", 1, MAX_ARGS);
		break;
	case 'j':
		opt.jvm = true;
		break;
	case ARGP_KEY_ARG:
		colon = strchr(arg, ':');
		/* argp_error() exits, unless the caller asked ARGP_NO_EXIT. */
		if (!colon || colon == arg || !colon[1] || strchr(colon + 1, ':')) {
			argp_error(state, "invalid probe '%s': want PROVIDER:NAME", arg);
			return EINVAL;
		}
		if (opt.nr_probes == MAX_PROBES) {
			argp_error(state, "invalid probe '%s': at most %d probes", arg, MAX_PROBES);
			return EINVAL;
		}
		*colon = '\0';
		opt.provider[opt.nr_probes] = arg;
		opt.name[opt.nr_probes++] = colon + 1;
		break;
	case ARGP_KEY_END:
		if (opt.jvm && opt.nr_probes)
			argp_error(state, "--jvm picks its own probes: give no PROVIDER:NAME");
		if (opt.jvm && !opt.pid && !opt.binary)
			argp_error(state, "--jvm needs -p PID or -b PATH/libjvm.so");
		if (!opt.jvm && (!opt.binary || !opt.nr_probes))
			argp_error(state, "give -b BINARY and at least one PROVIDER:NAME");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "[PROVIDER:NAME...]",
	.doc = "Trace USDT probes (<sys/sdt.h> markers) and print their arguments.\v"
	       "Examples:\n"
	       "  usdt -b ./usdt_target lesson:tick lesson:word   every hit, every argument\n"
	       "  usdt -b ./usdt_target -s 1 lesson:word          argument 1 as a string\n"
	       "  usdt --jvm -p 1234                              GC pauses of JVM 1234\n"
	       "List a file's probes with: readelf -n FILE",
	.children = lesson_argp_children,
};

/* The libjvm.so that process pid has mapped (HotSpot's probes live there). */
static int find_libjvm(int pid)
{
	char maps[64], line[4352], *path;
	FILE *f;
	int found = 0;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	f = fopen(maps, "r");
	if (!f)
		return lesson_error("cannot read %s: %s", maps, strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		path = strchr(line, '/');
		line[strcspn(line, "\n")] = '\0';
		if (path && strstr(path, "/libjvm.so")) {
			snprintf(jvm_path, sizeof(jvm_path), "%s", path);
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		return lesson_error("process %d has no libjvm.so mapped: not a HotSpot JVM", pid);
	opt.binary = jvm_path;
	return 0;
}

static void timestamp(char *buf, size_t len)
{
	time_t t = time(NULL);

	strftime(buf, len, "%H:%M:%S", localtime(&t));
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;
	char ts[16], probe[128];
	int i;

	timestamp(ts, sizeof(ts));
	if (e->kind == EV_GC) {
		printf("%-8s %-7u %-7u %-5s %10.3f\n", ts, e->pid, e->tid,
		       e->full ? "full" : "young", e->duration_ns / 1e6);
		return 0;
	}
	snprintf(probe, sizeof(probe), "%s:%s", opt.provider[e->probe], opt.name[e->probe]);
	printf("%-8s %-7u %-20s", ts, e->pid, probe);
	for (i = 0; i < e->argc && i < MAX_ARGS; i++) {
		/* Not a readable address (a number after all): print the number. */
		if (i + 1 == opt.str_arg && e->str_ok)
			printf(" \"%s\"", e->str);
		else
			printf(" %lld", (long long)e->args[i]);
	}
	printf("\n");
	return 0;
}

/* BPF cookies (5.15+): what libbpf needs to attach one probe in every process. */
static bool has_cookies(void)
{
	return feature_probe("helper:kprobe:bpf_get_attach_cookie", NULL, 0) == FEATURE_SUPPORTED;
}

/* One link per probe; the cookie tells usdt_hit which probe fired. */
static struct bpf_link *attach(struct bpf_program *prog, const char *provider, const char *name,
			       __u64 cookie)
{
	LIBBPF_OPTS(bpf_usdt_opts, uopts, .usdt_cookie = cookie);
	struct bpf_link *link;

	link = bpf_program__attach_usdt(prog, opt.pid ? opt.pid : -1, opt.binary, provider, name,
					&uopts);
	if (!link) {
		if (errno == ENOENT)
			lesson_error("no USDT probe %s:%s in %s (list them: readelf -n %s)",
				     provider, name, opt.binary, opt.binary);
		else if (errno == EOPNOTSUPP && !opt.pid && !has_cookies())
			/*
			 * Without cookies libbpf tells probes apart by address,
			 * and a PIE file's addresses differ per process.
			 */
			lesson_error("%s:%s in %s: every process needs BPF cookies (5.15+),"
				     " which this kernel lacks: give -p PID",
				     provider, name, opt.binary);
		else
			lesson_fail(-errno, "attaching to USDT probe %s:%s in %s", provider, name,
				    opt.binary);
	}
	return link;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_PROBES] = {};
	struct ring_buffer *rb = NULL;
	struct usdt_bpf *skel;
	int err = 0, i, n = 0;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	if (opt.jvm && !opt.binary && find_libjvm(opt.pid))
		return 1;

	skel = usdt_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->str_arg = opt.str_arg - 1;
	err = usdt_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	if (opt.jvm) {
		links[n++] = attach(skel->progs.gc_begin, "hotspot", "gc__begin", 0);
		if (links[0])
			links[n++] = attach(skel->progs.gc_end, "hotspot", "gc__end", 0);
	} else {
		for (i = 0; i < opt.nr_probes && (!n || links[n - 1]); i++)
			links[n++] = attach(skel->progs.usdt_hit, opt.provider[i], opt.name[i], i);
	}
	if (!links[n - 1]) {
		err = 1;
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	if (opt.jvm) {
		printf("Tracing GC pauses in %s", opt.binary);
	} else {
		printf("Tracing %d USDT probe%s in %s", opt.nr_probes, opt.nr_probes > 1 ? "s" : "",
		       opt.binary);
	}
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(". Ctrl-C to stop.\n");
	if (opt.jvm)
		printf("%-8s %-7s %-7s %-5s %10s\n", "TIME", "PID", "TID", "GC", "PAUSE(ms)");
	else
		printf("%-8s %-7s %-20s %s\n", "TIME", "PID", "PROBE", "ARGS");

	err = lesson_poll_ringbuf(rb);
	lesson_report_drops(skel->bss->dropped);

cleanup:
	ring_buffer__free(rb);
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	usdt_bpf__destroy(skel);
	return err;
}
