// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 01 loader: attach handle_tp to the sys_enter_write tracepoint and
 * show what it prints.  bpf_printk writes to the kernel's trace buffer; we
 * read /sys/kernel/tracing/trace_pipe so you see it in this terminal.
 *
 * The trace buffer is small (often 7 KiB per CPU until something grows it)
 * and overwrites its oldest lines when full, silently.  So while we run we
 * grow it (buffer_size_kb), put the old size back when we stop, and report
 * every line the kernel overwrote (per-CPU "overrun" counters).
 */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "helpers.h"
#include "helloworld.skel.h"

#define MATCH	       "BPF triggered sys_enter_write"
#define DEFAULT_BUF_KB 1024 /* per CPU: thousands of lines before one is lost */

static struct {
	int pid;
	long buf_kb; /* 0: grow to DEFAULT_BUF_KB if smaller; else set exactly */
} env;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report write() calls made by PID" },
	{ "buffer-kb", 'b', "KB", 0,
	  "Trace buffer size per CPU while running (default: grow to 1024 if smaller)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'b':
		env.buf_kb = lesson_arg_long(state, arg, "buffer size", 1, 1024L * 1024);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print a line from the kernel each time a process calls write().\v"
	       "Example: helloworld -p $$    (only this shell's writes)",
	.children = lesson_argp_children,
};

static char buf_size_path[PATH_MAX];
static long old_buf_kb; /* > 0: we changed buffer_size_kb, put this back */

/* The leading number of buffer_size_kb ("7" or "7 (expanded: 1408)"). */
static long read_buf_kb(void)
{
	char text[64] = "";
	FILE *f = fopen(buf_size_path, "r");
	long kb = -1;

	if (f) {
		if (fgets(text, sizeof(text), f))
			kb = strtol(text, NULL, 10);
		fclose(f);
	}
	return kb > 0 ? kb : -1;
}

static int write_buf_kb(long kb)
{
	int fd = open(buf_size_path, O_WRONLY | O_CLOEXEC), err = 0;
	char text[32];
	int len = snprintf(text, sizeof(text), "%ld\n", kb);

	if (fd < 0 || write(fd, text, (size_t)len) != len)
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

/* Resize the (global) trace buffer for this run; old size kept for restore. */
static int set_trace_buffer(const char *tracefs)
{
	long cur, want;
	int err;

	snprintf(buf_size_path, sizeof(buf_size_path), "%s/buffer_size_kb", tracefs);
	cur = read_buf_kb();
	if (cur < 0)
		return lesson_error("cannot read %s: %s", buf_size_path, strerror(errno));
	/* Never shrink a buffer someone grew, unless -b asks for that size. */
	want = env.buf_kb ?: (cur < DEFAULT_BUF_KB ? DEFAULT_BUF_KB : cur);
	if (want == cur)
		return 0;
	err = write_buf_kb(want);
	if (err)
		return lesson_error("cannot set %s to %ld: %s", buf_size_path, want,
				    strerror(-err));
	old_buf_kb = cur;
	return 0;
}

static void restore_trace_buffer(void)
{
	int err = old_buf_kb > 0 ? write_buf_kb(old_buf_kb) : 0;

	if (err)
		lesson_error("cannot restore %s to %ld: %s", buf_size_path, old_buf_kb,
			     strerror(-err));
	old_buf_kb = 0;
}

/*
 * Lines the kernel threw away, summed over CPUs: "overrun" counts lines
 * overwritten before anyone read them (the default overwrite mode),
 * "dropped events" those refused when overwrite is off.  Anyone's lines,
 * not only ours: the buffer is shared.  -1 if unreadable.
 */
static long long trace_lost(const char *tracefs)
{
	char path[PATH_MAX], line[128];
	long long sum = 0, v;
	struct dirent *d;
	int found = 0;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "%s/per_cpu", tracefs);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "cpu", 3) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/per_cpu/%s/stats", tracefs, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		found++;
		/* The kernel's own "name: value" lines. */
		/* NOLINTBEGIN(cert-err34-c) */
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %lld", &v) == 1 ||
			    sscanf(line, "dropped events: %lld", &v) == 1)
				sum += v;
		/* NOLINTEND(cert-err34-c) */
		fclose(f);
	}
	closedir(dir);
	return found ? sum : -1;
}

static void report_lost(const char *tracefs, long long *seen)
{
	long long now = trace_lost(tracefs);

	if (now < 0 || *seen < 0 || now <= *seen)
		return;
	lesson_error("lost %lld lines (trace buffer overrun)", now - *seen);
	*seen = now;
}

static void print_matching(const char *line, void *ctx)
{
	if (strstr(line, MATCH))
		puts(line);
}

/* Stream our trace_pipe lines until stopped; check for losses every second. */
static void stream(int fd, const char *tracefs, long long *seen)
{
	static struct lesson_lines lines;
	time_t last = time(NULL);
	char buf[8192];
	ssize_t n;

	while (!lesson_should_stop()) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0) {
			n = read(fd, buf, sizeof(buf));
			if (n > 0)
				lesson_lines_feed(&lines, buf, (size_t)n, print_matching, NULL);
		}
		if (time(NULL) != last) {
			last = time(NULL);
			report_lost(tracefs, seen);
		}
	}
	/* What is still buffered was not lost: print it before the last count. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		lesson_lines_feed(&lines, buf, (size_t)n, print_matching, NULL);
	report_lost(tracefs, seen);
}

int main(int argc, char **argv)
{
	struct helloworld_bpf *skel;
	const char *tracefs;
	long long lost = -1;
	int err, pipe_fd = -1;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	skel = helloworld_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	/* .rodata can only be written between open and load. */
	skel->rodata->pid_filter = env.pid;
	skel->rodata->loader_pid = getpid();

	err = helloworld_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	tracefs = lesson_ensure_tracefs();
	/*
	 * Resize with no reader open (a 5.10 guest locked up resizing under an
	 * open trace_pipe), then open (and drain) trace_pipe before attaching:
	 * only our lines follow.
	 */
	if (!tracefs || set_trace_buffer(tracefs)) {
		err = 1;
		goto cleanup;
	}
	pipe_fd = lesson_trace_pipe_open();
	if (pipe_fd < 0) {
		err = 1;
		goto cleanup;
	}
	lost = trace_lost(tracefs);
	err = helloworld_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to tracepoint syscalls/sys_enter_write");
		goto cleanup;
	}
	if (env.pid)
		printf("Tracing write() by PID %d. Ctrl-C to stop.\n", env.pid);
	else
		printf("Tracing write() by every process. Ctrl-C to stop.\n");

	stream(pipe_fd, tracefs, &lost);

cleanup:
	if (pipe_fd >= 0)
		close(pipe_fd);
	helloworld_bpf__destroy(skel);
	restore_trace_buffer();
	return err;
}
