// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include "helpers.h"

struct lesson_env lesson_env;
volatile sig_atomic_t lesson_exiting;

static const char *prog_name = "lesson";
static struct timespec started;

/* libbpf's warnings, kept quiet unless something fails (see lesson_fail). */
static char libbpf_log[64 * 1024];
static size_t libbpf_log_len;
static bool libbpf_log_cut; /* the front was dropped to keep the tail */

enum { OPT_DURATION = 'd', OPT_VERBOSE = 'v', OPT_HELP = 'h' };

static const struct argp_option common_opts[] = {
	{ "verbose", OPT_VERBOSE, NULL, 0, "Print libbpf debug output", -1 },
	{ "duration", OPT_DURATION, "SECONDS", 0, "Stop after SECONDS (default: until Ctrl-C)",
	  -1 },
	{ NULL, OPT_HELP, NULL, OPTION_HIDDEN, "Show this help", -1 },
	{},
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_VERBOSE:
		lesson_env.verbose = true;
		break;
	case OPT_DURATION:
		lesson_env.duration = (int)lesson_arg_long(state, arg, "duration", 1, INT_MAX);
		break;
	case OPT_HELP:
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp lesson_common_argp = { .options = common_opts, .parser = parse_common };
const struct argp_child lesson_argp_children[] = {
	{ &lesson_common_argp, 0, "Common options:", 0 },
	{},
};

/*
 * Keep the newest output when it outgrows the buffer: the verifier states its
 * reason at the end of a long log.  Drops whole lines from the front.
 */
static void log_append(const char *text, size_t n)
{
	size_t cap = sizeof(libbpf_log) - 1, drop;
	const char *nl;

	if (n > cap) {
		text += n - cap;
		n = cap;
	}
	if (libbpf_log_len + n > cap) {
		drop = libbpf_log_len + n - cap;
		libbpf_log[libbpf_log_len] = '\0';
		nl = strchr(libbpf_log + drop, '\n');
		drop = nl ? (size_t)(nl + 1 - libbpf_log) : libbpf_log_len;
		memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
		libbpf_log_len -= drop;
		libbpf_log_cut = true;
	}
	memcpy(libbpf_log + libbpf_log_len, text, n);
	libbpf_log_len += n;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char *text;
	int n;

	if (lesson_env.verbose)
		return vfprintf(stderr, fmt, args);
	if (level == LIBBPF_DEBUG)
		return 0;
	n = vasprintf(&text, fmt, args);
	if (n > 0)
		log_append(text, (size_t)n);
	if (n >= 0)
		free(text);
	return 0;
}

static void on_signal(int sig)
{
	lesson_exiting = 1;
}

void lesson_init(const char *name)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *slash = strrchr(name, '/');

	prog_name = slash ? slash + 1 : name;
	/*
	 * getopt (under argp) prints "argv[0]: unrecognized option": the full
	 * path.  When name is argv[0] (program_invocation_name points at it),
	 * move the short name to its front, so every message starts "name:".
	 */
	if (slash && name == program_invocation_name) {
		size_t len = strlen(name);

		memmove(program_invocation_name, slash + 1, strlen(slash + 1) + 1);
		/* Clear the old tail: ps shows "name -p 1", not path leftovers. */
		memset(program_invocation_name + strlen(program_invocation_name), 0,
		       len - strlen(program_invocation_name));
		program_invocation_short_name = program_invocation_name;
		prog_name = program_invocation_name;
	}
	libbpf_set_print(libbpf_print);
	/* No SA_RESTART: a blocking poll/sleep returns so the loop can exit. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Output is read by people and by tests through pipes: line-buffer it. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void vreport(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
}

int lesson_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Either place libbpf looks for tracefs has it mounted. */
static bool tracefs_mounted(void)
{
	struct statfs st;

	return (statfs("/sys/kernel/tracing", &st) == 0 && st.f_type == TRACEFS_MAGIC) ||
	       (statfs("/sys/kernel/debug/tracing", &st) == 0 && st.f_type == TRACEFS_MAGIC);
}

int lesson_fail(int err, const char *fmt, ...)
{
	const char *begin, *end;
	va_list ap;

	if (err > 0)
		err = -err;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	/*
	 * libbpf finds tracepoint (and kprobe/uprobe) ids in tracefs: without
	 * it an attach fails with a bare ENOENT.  Say why on the same line.
	 */
	if (err == -ENOENT && !tracefs_mounted())
		fprintf(stderr,
			": %s (tracefs is not mounted: mount -t tracefs tracefs "
			"/sys/kernel/tracing)\n",
			strerror(-err));
	else
		fprintf(stderr, ": %s\n", strerror(-err));

	/* libbpf wraps the verifier's words in these markers. */
	libbpf_log[libbpf_log_len] = '\0';
	begin = strstr(libbpf_log, "-- BEGIN PROG LOAD LOG --");
	end = strstr(libbpf_log, "-- END PROG LOAD LOG --");
	if (begin && end && end > begin) {
		begin = strchr(begin, '\n');
		if (begin && end > begin)
			fprintf(stderr, "verifier log:\n%.*s", (int)(end - begin - 1), begin + 1);
	} else if (end && libbpf_log_cut) {
		/* Too long to keep whole: its end holds the reason. */
		begin = libbpf_log;
		fprintf(stderr, "verifier log (last %zu bytes; -v prints all of it):\n%.*s",
			(size_t)(end - begin), (int)(end - begin), begin);
	} else {
		begin = NULL;
	}
	if (err == -EPERM && !begin)
		fprintf(stderr,
			"hint: not root, or this program type is not allowed on this kernel\n");
	if (!lesson_env.verbose)
		fprintf(stderr, "(run with -v for libbpf's own messages)\n");
	return 1;
}

/* Older uapi headers lack these two (added in 5.8). */
#define LESSON_CAP_PERFMON 38
#define LESSON_CAP_BPF	   39

bool lesson_has_bpf_caps(bool tracing)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = (__u64)data[1].effective << 32 | data[0].effective;
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return true;
	if (!(eff & (1ULL << LESSON_CAP_BPF)))
		return false;
	return !tracing || (eff & (1ULL << LESSON_CAP_PERFMON));
}

int lesson_check_root(void)
{
	if (lesson_has_bpf_caps(true))
		return 0;
	return lesson_error(
		"must run as root (needs CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN): try sudo");
}

int lesson_check_btf(void)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf_header hdr;
	ssize_t n = -1;
	int fd;

	if (access(path, R_OK) != 0)
		return lesson_error(
			"kernel has no BTF (/sys/kernel/btf/vmlinux missing): "
			"needs CONFIG_DEBUG_INFO_BTF=y, or see lesson 02 for min_core_btf");
	/*
	 * There but not BTF: CO-RE would fail later with a bare ESRCH.  The
	 * header is enough to tell; libbpf parses the rest when it loads, and
	 * parsing it twice costs every loader milliseconds (see bench/).
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, &hdr, sizeof(hdr));
		close(fd);
	}
	if (n != (ssize_t)sizeof(hdr) || hdr.magic != BTF_MAGIC || hdr.hdr_len < sizeof(hdr))
		return lesson_error("kernel BTF %s unreadable: %s", path,
				    n < 0 ? strerror(errno) : "not BTF");
	return 0;
}

int lesson_ifindex(const char *ifname)
{
	unsigned int idx = if_nametoindex(ifname);

	if (!idx) {
		lesson_error("unknown interface '%s'", ifname);
		return -1;
	}
	return (int)idx;
}

long lesson_arg_long(struct argp_state *state, const char *arg, const char *what, long min,
		     long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno == ERANGE)
		argp_error(state, "invalid %s '%s': want a whole number from %ld to %ld", what, arg,
			   min, max);
	else if (v < min || v > max)
		argp_error(state, "invalid %s '%s': out of range %ld..%ld", what, arg, min, max);
	return v;
}

int lesson_arg_pid(struct argp_state *state, const char *arg)
{
	int pid = (int)lesson_arg_long(state, arg, "PID", 1, INT_MAX);

	if (kill(pid, 0) && errno == ESRCH)
		argp_error(state, "invalid PID '%s': no such process", arg);
	return pid;
}

int lesson_arg_ifindex(struct argp_state *state, const char *arg)
{
	unsigned int idx;

	if (!*arg || strlen(arg) >= IF_NAMESIZE)
		argp_error(state, "invalid interface '%s': names are 1 to %d characters", arg,
			   IF_NAMESIZE - 1);
	idx = if_nametoindex(arg);
	if (!idx)
		argp_error(state, "invalid interface '%s': no such interface", arg);
	return (int)idx;
}

int lesson_arg_choice(struct argp_state *state, const char *arg, const char *what,
		      const char *const words[])
{
	char want[256] = "";
	int i;

	for (i = 0; words[i]; i++) {
		if (!strcmp(arg, words[i]))
			return i;
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", i ? ", " : "",
			 words[i]);
	}
	argp_error(state, "invalid %s '%s': want one of %s", what, arg, want);
	return -1;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == magic;
}

int lesson_ensure_bpffs(void)
{
	const char *dir = "/sys/fs/bpf";

	if (is_fs(dir, BPF_FS_MAGIC))
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return lesson_error("cannot create %s: %s", dir, strerror(errno));
	if (mount("bpf", dir, "bpf", 0, "mode=0700"))
		return lesson_error("cannot mount bpffs on %s: %s", dir, strerror(errno));
	return 0;
}

const char *lesson_ensure_tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (is_fs(dirs[i], TRACEFS_MAGIC))
			return dirs[i];
	/* libbpf looks in /sys/kernel/tracing first whenever it exists. */
	if (mount("tracefs", dirs[0], "tracefs", 0, NULL)) {
		lesson_error("cannot mount tracefs on %s: %s", dirs[0], strerror(errno));
		return NULL;
	}
	return dirs[0];
}

struct bpf_link *lesson_attach_xdp(struct bpf_program *prog, int ifindex)
{
	struct bpf_link *link = bpf_program__attach_xdp(prog, ifindex);
	char name[IF_NAMESIZE] = "?";

	if (!link)
		lesson_fail(-errno, "attaching XDP program to %s",
			    if_indextoname((unsigned int)ifindex, name) ?: "?");
	return link;
}

bool lesson_should_stop(void)
{
	struct timespec now;

	if (lesson_exiting)
		return true;
	if (!lesson_env.duration)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* -d counts from the first poll, after load and attach, not from start. */
	if (!started.tv_sec && !started.tv_nsec)
		started = now;
	return (now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000 >=
	       (long)lesson_env.duration * 1000;
}

/* poll() timeout that wakes up in time for -d; 100 ms keeps Ctrl-C snappy. */
#define POLL_MS 100

int lesson_trace_pipe_open(void)
{
	const char *dir = lesson_ensure_tracefs();
	char path[PATH_MAX], buf[8192];
	int fd;

	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s/trace_pipe", dir);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		lesson_error("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return fd;
}

void lesson_lines_feed(struct lesson_lines *l, const char *buf, size_t n,
		       void (*emit)(const char *line, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			/* Past the buffer: the rest of the line is dropped. */
			if (l->used < sizeof(l->line) - 1)
				l->line[l->used++] = buf[i];
			continue;
		}
		l->line[l->used] = '\0';
		emit(l->line, ctx);
		l->used = 0;
	}
}

static void print_matching(const char *line, void *match)
{
	if (!match || strstr(line, match))
		puts(line);
}

int lesson_stream_trace_pipe(int fd, const char *match)
{
	static struct lesson_lines lines;
	char buf[8192];

	lines.used = 0;
	while (!lesson_should_stop()) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			lesson_lines_feed(&lines, buf, (size_t)n, print_matching, (void *)match);
	}
	close(fd);
	return 0;
}

int lesson_poll_ringbuf(struct ring_buffer *rb)
{
	int err = 0;

	while (!lesson_should_stop()) {
		err = ring_buffer__poll(rb, POLL_MS);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0)
			return lesson_fail(err, "polling ring buffer");
	}
	/* Events that arrived while we were stopping still count. */
	ring_buffer__consume(rb);
	return 0;
}

int lesson_poll_perfbuf(struct perf_buffer *pb)
{
	int err;

	while (!lesson_should_stop()) {
		err = perf_buffer__poll(pb, POLL_MS);
		if (err == -EINTR)
			continue;
		if (err < 0)
			return lesson_fail(err, "polling perf buffer");
	}
	perf_buffer__consume(pb);
	return 0;
}

void lesson_report_drops(__u64 dropped)
{
	if (dropped)
		lesson_error("%llu events dropped (ring buffer full)", (unsigned long long)dropped);
}

void lesson_report_misses(const struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program (prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) || !info.recursion_misses)
			continue;
		lesson_error(
			"%s missed %llu runs (it fired while another BPF program ran on its CPU)",
			bpf_program__name(prog), (unsigned long long)info.recursion_misses);
	}
}

static void print_stars(__u32 val, __u32 max, int width)
{
	int n = max ? (int)((__u64)val * width / max) : 0, i;

	for (i = 0; i < width; i++)
		putchar(i < n ? '*' : ' ');
}

void lesson_print_log2_hist(const __u32 *vals, int nr_slots, const char *unit)
{
	int i, first = -1, last = -1;
	__u32 max = 0;

	for (i = 0; i < nr_slots; i++) {
		if (!vals[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (vals[i] > max)
			max = vals[i];
	}
	if (last < 0) {
		printf("(no samples)\n");
		return;
	}
	printf("%*s%-*s : count    distribution\n", 12, "", 14, unit);
	for (i = 0; i <= last; i++) {
		/* Slot 63's upper bound is 2^64 - 1: 1ULL << 64 is undefined. */
		__u64 low = i ? 1ULL << i : 0, high = i >= 63 ? ~0ULL : (1ULL << (i + 1)) - 1;

		if (i < first && i != last)
			continue;
		printf("%20llu -> %-20llu : %-8u |", (unsigned long long)low,
		       (unsigned long long)high, vals[i]);
		print_stars(vals[i], max, 40);
		printf("|\n");
	}
}
