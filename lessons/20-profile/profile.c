// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 20 loader: open a cpu-clock perf event on every CPU, attach the
 * sampling program to each, sleep, then read the counts and stack maps and
 * print one folded stack per line ("comm;outer;...;inner count"), the input
 * flame graph tools take.  Addresses become names in user space: kernel ones
 * from /proc/kallsyms, user ones from the process's ELF files (common/sym.c).
 */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "sym.h"
#include "profile.h"
#include "profile.skel.h"

static struct {
	pid_t pid;
	long freq;
	bool user_only, kernel_only;
} env = { .freq = 49 };

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only sample this process" },
	{ "frequency", 'F', "HZ", 0, "Samples per second on each CPU (default 49)" },
	{ "user-only", 'U', NULL, 0, "Only user stacks" },
	{ "kernel-only", 'K', NULL, 0, "Only kernel stacks" },
	{},
};

/* The kernel refuses faster sampling than this (it may lower it itself). */
static long max_sample_rate(void)
{
	long rate = 100000;
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");

	if (f) {
		/* The kernel's own one-number file. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (fscanf(f, "%ld", &rate) != 1)
			rate = 100000;
		fclose(f);
	}
	return rate;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'F':
		env.freq = lesson_arg_long(state, arg, "frequency", 1, max_sample_rate());
		break;
	case 'U':
		env.user_only = true;
		break;
	case 'K':
		env.kernel_only = true;
		break;
	case ARGP_KEY_END:
		if (env.user_only && env.kernel_only)
			argp_error(state, "invalid options '-U -K': pick at most one");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Sample on-CPU stacks and print them folded, for flame graphs.\v"
	       "Examples:\n"
	       "  profile -d 10              every process, 10 s\n"
	       "  profile -p 1234 -F 99      one process, 99 samples/s\n"
	       "  profile -d 5 > out.folded  then: flamegraph.pl out.folded > out.svg",
	.children = lesson_argp_children,
};

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* One symboliser per process, made on first use. */
struct proc_syms {
	pid_t pid;
	struct lesson_syms *syms;
};
static struct proc_syms *procs;
static size_t nr_procs;
static struct lesson_syms *ksyms;

static struct lesson_syms *syms_of(pid_t pid)
{
	struct proc_syms *grown;
	size_t i;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].pid == pid)
			return procs[i].syms;
	grown = realloc(procs, (nr_procs + 1) * sizeof(*procs));
	if (!grown)
		return NULL;
	procs = grown;
	/* NULL if the process is gone: its frames print as [unknown]. */
	procs[nr_procs] = (struct proc_syms){ pid, lesson_syms_new(pid) };
	return procs[nr_procs++].syms;
}

struct folded {
	char *line;
	__u64 count;
};

/*
 * Append a stack, outermost frame first (the map stores innermost first).
 * Frames above the first are return addresses: the byte before one is
 * still inside the calling function, even when the call was its last
 * instruction.
 */
static void append_stack(FILE *out, int stack_fd, __s32 id, struct lesson_syms *syms,
			 const char *suffix)
{
	__u64 ips[MAX_STACK_DEPTH] = {};
	char name[256];
	int depth, i;

	if (id == -EFAULT)
		return; /* no stack of this kind: user code, or a kernel thread */
	if (id < 0 || bpf_map_lookup_elem(stack_fd, &id, ips)) {
		fprintf(out, ";[lost stack]");
		return;
	}
	for (depth = 0; depth < MAX_STACK_DEPTH && ips[depth]; depth++)
		;
	for (i = depth - 1; i >= 0; i--)
		fprintf(out, ";%s%s", lesson_syms_name(syms, ips[i] - (i > 0), name, sizeof(name)),
			suffix);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->line, ((const struct folded *)b)->line);
}

static int cmp_count(const void *a, const void *b)
{
	const struct folded *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->line, y->line);
}

/*
 * Two keys can fold to the same line (different offsets inside the same
 * functions): merge them, then print the busiest stacks first.
 */
static int print_folded(struct profile_bpf *skel, __u64 *samples, size_t *nr_lines)
{
	int counts_fd = bpf_map__fd(skel->maps.counts);
	int stack_fd = bpf_map__fd(skel->maps.stackmap);
	struct stack_key key, *prev = NULL;
	struct folded *lines = NULL, *grown;
	size_t n = 0, cap = 0, i, out;
	__u64 count;
	size_t len;
	FILE *f;

	*samples = 0;
	while (bpf_map_get_next_key(counts_fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(counts_fd, &key, &count))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(lines, cap * sizeof(*lines));
			if (!grown)
				goto oom;
			lines = grown;
		}
		f = open_memstream(&lines[n].line, &len);
		if (!f)
			goto oom;
		fprintf(f, "%s", key.comm);
		append_stack(f, stack_fd, key.user_stack_id, syms_of(key.pid), "");
		append_stack(f, stack_fd, key.kern_stack_id, ksyms, "_[k]");
		fclose(f);
		lines[n++].count = count;
		*samples += count;
	}
	/* An empty map: lines is NULL, which qsort() must not get. */
	if (!n) {
		*nr_lines = 0;
		return 0;
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0, out = 0; i < n; i++) {
		if (out && !strcmp(lines[out - 1].line, lines[i].line)) {
			lines[out - 1].count += lines[i].count;
			free(lines[i].line);
		} else {
			lines[out++] = lines[i];
		}
	}
	qsort(lines, out, sizeof(*lines), cmp_count);
	for (i = 0; i < out; i++) {
		printf("%s %llu\n", lines[i].line, (unsigned long long)lines[i].count);
		free(lines[i].line);
	}
	free(lines);
	*nr_lines = out;
	return 0;
oom:
	for (i = 0; i < n; i++)
		free(lines[i].line);
	free(lines);
	return lesson_error("out of memory reading %zu stacks", n);
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		/* A software timer: exists on every machine, VMs included. */
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1,
	};
	struct bpf_link **links = NULL;
	struct profile_bpf *skel = NULL;
	int nr_cpus, cpu, fd, err, attached = 0;
	__u64 samples = 0;
	size_t nr_lines = 0;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus < 0)
		return lesson_fail(nr_cpus, "counting CPUs");
	/* An array of link pointers, one per CPU. */
	links = calloc(nr_cpus, sizeof(*links)); // NOLINT(bugprone-sizeof-expression)
	if (!links)
		return lesson_error("out of memory");

	skel = profile_bpf__open();
	if (!skel) {
		err = lesson_fail(-errno, "opening BPF object");
		goto cleanup;
	}
	skel->rodata->target_pid = env.pid;
	skel->rodata->user_stacks = !env.kernel_only;
	skel->rodata->kernel_stacks = !env.user_only;

	err = profile_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	attr.sample_freq = env.freq;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		/* pid -1, cpu N: everything that runs on CPU N. */
		fd = perf_event_open(&attr, -1, cpu);
		if (fd < 0) {
			if (errno == ENODEV)
				continue; /* possible but offline CPU */
			err = lesson_fail(-errno, "perf_event_open(cpu-clock) on CPU %d", cpu);
			goto cleanup;
		}
		/* The link owns fd from here: destroying it closes the event. */
		links[cpu] = bpf_program__attach_perf_event(skel->progs.do_sample, fd);
		if (!links[cpu]) {
			err = lesson_fail(-errno, "attaching to the perf event on CPU %d", cpu);
			close(fd);
			goto cleanup;
		}
		attached++;
	}

	/*
	 * With -p, read the process's symbols now: they survive its exit, so
	 * a process that ends before we print still gets names.
	 */
	if (env.pid)
		syms_of(env.pid);
	/* Load kernel symbols now: printing should not wait for them. */
	if (!env.user_only) {
		ksyms = lesson_syms_new(0);
		if (!ksyms)
			fprintf(stderr, "profile: no kernel symbols (/proc/kallsyms): %s\n",
				strerror(errno));
	}

	/* Status goes to stderr: stdout is only folded stacks. */
	if (env.pid)
		fprintf(stderr, "Sampling PID %d at %ld Hz on %d CPUs. Ctrl-C to end.\n", env.pid,
			env.freq, attached);
	else
		fprintf(stderr, "Sampling every process at %ld Hz on %d CPUs. Ctrl-C to end.\n",
			env.freq, attached);

	while (!lesson_should_stop())
		poll(NULL, 0, 100);

	/* Stop sampling before reading, so the maps hold still. */
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		bpf_link__destroy(links[cpu]);
		links[cpu] = NULL;
	}
	err = print_folded(skel, &samples, &nr_lines);
	fprintf(stderr, "profile: %llu samples in %zu stacks\n", (unsigned long long)samples,
		nr_lines);
	if (skel->bss->dropped_samples || skel->bss->lost_stacks)
		fprintf(stderr,
			"profile: lost %llu samples (counts map full) and %llu stacks "
			"(stack map full or collision)\n",
			(unsigned long long)skel->bss->dropped_samples,
			(unsigned long long)skel->bss->lost_stacks);

cleanup:
	for (cpu = 0; links && cpu < nr_cpus; cpu++)
		bpf_link__destroy(links[cpu]);
	free(links);
	profile_bpf__destroy(skel);
	while (nr_procs)
		lesson_syms_free(procs[--nr_procs].syms);
	free(procs);
	lesson_syms_free(ksyms);
	return err;
}
