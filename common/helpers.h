/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The helper library every lesson loader links: the parts of a libbpf loader
 * that are the same in every lesson (options, logging, signals, privilege and
 * environment checks, attach helpers, poll loops, histogram printing), so
 * each lesson's .c shows only what is new in that lesson.
 */
#ifndef LESSON_HELPERS_H
#define LESSON_HELPERS_H

#include <argp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

/* Options every loader has: -v, -d SECONDS, -h (see lesson_argp_child). */
struct lesson_env {
	bool verbose;
	int duration; /* seconds; 0 = until Ctrl-C */
};
extern struct lesson_env lesson_env;
extern const struct argp lesson_common_argp;
/* Put in a loader's argp as: .children = lesson_argp_children */
extern const struct argp_child lesson_argp_children[];

/* Set by SIGINT/SIGTERM; every poll loop checks it. */
extern volatile sig_atomic_t lesson_exiting;

/*
 * Call first in main(): records the program name, installs the libbpf print
 * callback (everything with -v; otherwise warnings are kept for lesson_fail)
 * and the SIGINT/SIGTERM handlers.
 */
void lesson_init(const char *name);

/* "name: msg" on stderr; returns 1 so `return lesson_error(...)` exits 1. */
int lesson_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A libbpf call failed with err (negative errno).  Prints one line
 * "name: <what>: <strerror>" and, when the kernel's verifier rejected a
 * program, the verifier log libbpf captured.  Returns 1.
 */
int lesson_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * CAP_SYS_ADMIN, or CAP_BPF (+ CAP_PERFMON when tracing): what the kernel
 * wants before it loads programs.  Without it every load fails with EPERM,
 * which says nothing about the kernel's features.
 */
bool lesson_has_bpf_caps(bool tracing);
/* Fails with a clear line when the process lacks those capabilities. */
int lesson_check_root(void);
/* Fails with a clear line when the kernel exposes no BTF (CO-RE lessons). */
int lesson_check_btf(void);
/* Interface name -> ifindex; prints "unknown interface 'x'" and returns -1. */
int lesson_ifindex(const char *ifname);

/*
 * Bad input, one convention for every loader (README "Exit codes"):
 *   - a bad option or value: exit 64 (EX_USAGE); stderr says
 *     "name: invalid WHAT 'ARG': why" then argp's "Try `name --help'" line;
 *   - a failure while running (not root, load, attach): exit 1, one line
 *     "name: what: why" (+ the verifier log when the verifier said no).
 * These parse a value inside an argp parser and call argp_error() (which
 * exits) on anything else, so a parser never exits by itself.
 */
long lesson_arg_long(struct argp_state *state, const char *arg, const char *what, long min,
		     long max);
/* A PID that must name a live process. */
int lesson_arg_pid(struct argp_state *state, const char *arg);
/* An interface that exists (checks the name's length first); the ifindex. */
int lesson_arg_ifindex(struct argp_state *state, const char *arg);
/* One of words[] (NULL-terminated); returns its index. */
int lesson_arg_choice(struct argp_state *state, const char *arg, const char *what,
		      const char *const words[]);

/* Mount bpffs / tracefs at their usual places unless already there. */
int lesson_ensure_bpffs(void);
/* Returns the tracefs directory (mounting it if needed) or NULL. */
const char *lesson_ensure_tracefs(void);

/* Attach an XDP program as a bpf_link: detached when the last fd closes. */
struct bpf_link *lesson_attach_xdp(struct bpf_program *prog, int ifindex);

/* True once Ctrl-C/SIGTERM arrived, or -d SECONDS after its first call. */
bool lesson_should_stop(void);

/*
 * bpf_printk output.  Open trace_pipe before attaching: the open drains what
 * earlier runs left there, so only lines from this run are streamed.  Then
 * stream until lesson_should_stop(), printing the lines that contain match
 * (all when match is NULL).  Closes fd.
 */
int lesson_trace_pipe_open(void);
int lesson_stream_trace_pipe(int fd, const char *match);

/*
 * The line splitter behind lesson_stream_trace_pipe: feed it bytes as they
 * arrive; it calls emit() once per complete line (without the newline).  A
 * line longer than the buffer is cut; a partial line waits for more bytes.
 * Start with a zeroed struct.
 */
struct lesson_lines {
	char line[4096];
	size_t used;
};
void lesson_lines_feed(struct lesson_lines *l, const char *buf, size_t n,
		       void (*emit)(const char *line, void *ctx), void *ctx);

/* Poll a ring buffer / perf buffer until lesson_should_stop(). */
int lesson_poll_ringbuf(struct ring_buffer *rb);
int lesson_poll_perfbuf(struct perf_buffer *pb);

/*
 * A ring buffer loader's report of its BPF-side drop counter (bumped when
 * bpf_ringbuf_reserve failed): "name: N events dropped (ring buffer full)"
 * on stderr; nothing when N is 0.
 */
void lesson_report_drops(__u64 dropped);

/*
 * Runs the kernel skipped because the program fired while another BPF
 * program was running on that CPU (an IRQ tracepoint inside a syscall
 * tracepoint's program, say): "name: PROG missed N runs (...)" on stderr
 * per program of OBJ with a non-zero recursion_misses (5.12+); nothing
 * otherwise.  What a program counts is short by at most that many.
 */
void lesson_report_misses(const struct bpf_object *obj);

/* bcc-style log2 histogram: slot i counts values in [2^i, 2^(i+1)). */
void lesson_print_log2_hist(const __u32 *vals, int nr_slots, const char *unit);

#endif
