// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 24 loader: attach uprobes/uretprobes to malloc, calloc, realloc and
 * free in the libc of one process (-p PID, or -c COMMAND started here), and
 * every interval print the stacks that hold the most unfreed bytes.
 *
 * With -c the loader starts the command itself: the child waits on a pipe
 * until the probes are attached (nothing is missed), and is traced with
 * ptrace(PTRACE_O_TRACEEXIT) so that when it exits it stops while its
 * memory map still exists: the final report can still name its functions.
 *
 * -m kernel: the kernel's kmalloc()s instead, from the kmem tracepoints,
 * of one process (-p) or of all, with kernel stacks named from kallsyms.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "libpath.h"
#include "sym.h"
#include "memleak.h"
#include "memleak.skel.h"

enum mode { MODE_USER, MODE_KERNEL };
static const char *const mode_names[] = { "user", "kernel", NULL };

static struct {
	enum mode mode;
	pid_t pid;
	char *command;
	wordexp_t argv;
	long interval;
	long top;
} env = { .interval = 5, .top = 10 };

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this process" },
	{ "command", 'c', "COMMAND", 0, "Run COMMAND (words split like a shell's) and trace it" },
	{ "interval", 'i', "SECONDS", 0, "Print a report every SECONDS (default 5)" },
	{ "top", 'T', "N", 0, "Show the N stacks with the most bytes (default 10)" },
	{ "mode", 'm', "MODE", 0,
	  "user: libc's malloc/free in -p or -c (default); kernel: kmalloc/kfree "
	  "(kmem tracepoints) of -p PID, or of every process without -p" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'c':
		/* No $(...) or backticks: only word splitting and quotes. */
		if (wordexp(arg, &env.argv, WRDE_NOCMD) || !env.argv.we_wordc)
			argp_error(state, "invalid command '%s': want a program and its arguments",
				   arg);
		env.command = arg;
		break;
	case 'i':
		env.interval = lesson_arg_long(state, arg, "interval", 1, INT_MAX);
		break;
	case 'T':
		env.top = lesson_arg_long(state, arg, "top", 1, INT_MAX);
		break;
	case 'm':
		env.mode = lesson_arg_choice(state, arg, "mode", mode_names);
		break;
	case ARGP_KEY_END:
		if (env.pid && env.command)
			argp_error(state, "invalid options '-p -c': pick one");
		/* The child's kernel objects outlive its exit stop: no -c here. */
		if (env.mode == MODE_KERNEL && env.command)
			argp_error(state,
				   "invalid options '-m kernel -c': the kernel mode takes -p PID "
				   "or traces every process");
		if (env.mode == MODE_USER && !env.pid && !env.command)
			argp_error(state, "no process to trace: give -p PID or -c COMMAND");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Report a process's outstanding libc (or kernel kmalloc) allocations by stack.\v"
	       "Examples:\n"
	       "  memleak -p 1234            every 5 s, the top 10 stacks\n"
	       "  memleak -c './app -x' -i 1  run ./app, report every second and at exit\n"
	       "  memleak -m kernel -p 1234  the kmalloc()s made for PID 1234 not yet kfree()d",
	.children = lesson_argp_children,
};

/* glibc's libc.so.6 (libc-2.31.so before 2.34), musl's libc.musl-*. */
static const char *const libc_names[] = { "libc.so", "libc-", "libc.musl", NULL };

/* Attached by hand (the skeleton cannot know the file or the PID). */
#define NR_PROBES 7
static struct bpf_link *links[NR_PROBES];

static int attach(struct memleak_bpf *skel, const char *libc, pid_t pid)
{
	const struct {
		struct bpf_program *prog;
		const char *func;
		bool ret;
	} probes[NR_PROBES] = {
		{ skel->progs.malloc_enter, "malloc", false },
		{ skel->progs.malloc_exit, "malloc", true },
		{ skel->progs.calloc_enter, "calloc", false },
		{ skel->progs.calloc_exit, "calloc", true },
		{ skel->progs.realloc_enter, "realloc", false },
		{ skel->progs.realloc_exit, "realloc", true },
		{ skel->progs.free_enter, "free", false },
	};
	struct bpf_link *link;
	size_t i;

	for (i = 0; i < NR_PROBES; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = probes[i].func,
			    .retprobe = probes[i].ret);

		/* libbpf finds func_name in the file's symbol table. */
		link = bpf_program__attach_uprobe_opts(probes[i].prog, pid, libc, 0, &uopts);
		if (!link)
			return lesson_fail(-errno, "attaching %s to %s() in %s",
					   probes[i].ret ? "uretprobe" : "uprobe", probes[i].func,
					   libc);
		links[i] = link;
	}
	return 0;
}

/*
 * Kernel mode: tracepoints the skeleton attaches by their SEC() names.
 * kmem:kmalloc_node exists up to 6.1 (6.2 folded it into kmem:kmalloc).
 */
#define NR_TPS 3
static struct bpf_link *tp_links[NR_TPS];

/* tracefs lists the tracepoints this kernel has. */
static bool have_tracepoint(const char *category, const char *name)
{
	const char *tracefs = lesson_ensure_tracefs();
	char path[PATH_MAX];

	if (!tracefs)
		return false;
	snprintf(path, sizeof(path), "%s/events/%s/%s", tracefs, category, name);
	return access(path, F_OK) == 0;
}

/* Load the uprobes (user mode) or the tracepoints (kernel mode), not both. */
static void select_progs(struct memleak_bpf *skel)
{
	bool kernel = env.mode == MODE_KERNEL;
	struct bpf_program *prog;

	bpf_object__for_each_program (prog, skel->obj)
		bpf_program__set_autoload(
			prog, (bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT) == kernel);
	if (kernel && !have_tracepoint("kmem", "kmalloc_node"))
		bpf_program__set_autoload(skel->progs.kmalloc_node_tp, false);
}

static int attach_kernel(struct memleak_bpf *skel)
{
	struct bpf_program *progs[NR_TPS] = {
		skel->progs.kmalloc_tp,
		skel->progs.kmalloc_node_tp,
		skel->progs.kfree_tp,
	};
	int i;

	for (i = 0; i < NR_TPS; i++) {
		if (!bpf_program__autoload(progs[i]))
			continue;
		tp_links[i] = bpf_program__attach(progs[i]);
		if (!tp_links[i])
			return lesson_fail(-errno, "attaching %s",
					   bpf_program__section_name(progs[i]));
	}
	return 0;
}

struct site {
	__s32 stack_id;
	__u64 bytes;
	__u64 count;
};

static int cmp_stack(const void *a, const void *b)
{
	const struct site *x = a, *y = b;

	return x->stack_id < y->stack_id ? -1 : x->stack_id > y->stack_id;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct site *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return cmp_stack(a, b);
}

/*
 * The process's symbols, refreshed at each report while it is alive; in
 * kernel mode the kernel's (kallsyms), read once.
 */
static struct lesson_syms *syms;

static void refresh_syms(void)
{
	struct lesson_syms *fresh;

	if (env.mode == MODE_KERNEL && syms)
		return;
	fresh = lesson_syms_new(env.mode == MODE_KERNEL ? 0 : env.pid);

	if (fresh) {
		lesson_syms_free(syms);
		syms = fresh;
	}
}

/* Group outstanding allocations by stack, print the top N by bytes. */
static int report(struct memleak_bpf *skel)
{
	int allocs_fd = bpf_map__fd(skel->maps.allocs);
	int stacks_fd = bpf_map__fd(skel->maps.stack_traces);
	__u32 max = bpf_map__max_entries(skel->maps.allocs), seen = 0;
	__u64 key, *prev = NULL, ips[MAX_STACK_DEPTH], total_bytes = 0;
	struct site *sites = NULL;
	struct alloc_info info;
	size_t n = 0, out, i;
	char ts[16], frame[512];
	time_t now = time(NULL);
	int depth;

	sites = calloc(max, sizeof(*sites));
	if (!sites)
		return lesson_error("out of memory");
	/* Bounded: keys deleted under us can make the walk start over. */
	while (seen++ < max && bpf_map_get_next_key(allocs_fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(allocs_fd, &key, &info))
			continue;
		sites[n++] = (struct site){ info.stack_id, info.size, 1 };
		total_bytes += info.size;
	}
	qsort(sites, n, sizeof(*sites), cmp_stack);
	for (i = 0, out = 0; i < n; i++) {
		if (out && sites[out - 1].stack_id == sites[i].stack_id) {
			sites[out - 1].bytes += sites[i].bytes;
			sites[out - 1].count++;
		} else {
			sites[out++] = sites[i];
		}
	}
	qsort(sites, out, sizeof(*sites), cmp_bytes);

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	printf("[%s] %zu allocations outstanding, %llu bytes, from %zu stacks; top %ld:\n", ts, n,
	       (unsigned long long)total_bytes, out, env.top);
	for (i = 0; i < out && i < (size_t)env.top; i++) {
		printf("\t%llu bytes in %llu allocations from stack\n",
		       (unsigned long long)sites[i].bytes, (unsigned long long)sites[i].count);
		memset(ips, 0, sizeof(ips));
		if (sites[i].stack_id < 0 ||
		    bpf_map_lookup_elem(stacks_fd, &sites[i].stack_id, ips)) {
			printf("\t\t[lost stack]\n");
			continue;
		}
		/* Innermost first: the function that called malloc() leads. */
		for (depth = 0; depth < MAX_STACK_DEPTH && ips[depth]; depth++)
			printf("\t\t%s\n",
			       lesson_syms_format(syms, ips[depth], frame, sizeof(frame)));
	}
	free(sites);
	return 0;
}

/* Start env.argv held at a pipe; returns its PID, or -1. */
static pid_t spawn(int *go_fd, int *err_fd)
{
	int go[2], err[2], e;
	pid_t pid;
	char c;

	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[1]);
		close(err[0]);
		/* EOF without a byte: the loader gave up, do not run. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(env.argv.we_wordv[0], env.argv.we_wordv);
		e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	*go_fd = go[1];
	*err_fd = err[0];
	return pid;
}

/*
 * Let the child run: then either exec succeeded (the close-on-exec pipe
 * reads EOF) or it failed and the child sent errno.
 */
static int release(pid_t child, int go_fd, int err_fd)
{
	int e = 0;

	if (write(go_fd, "g", 1) != 1)
		return -errno;
	close(go_fd);
	if (read(err_fd, &e, sizeof(e)) == sizeof(e)) {
		close(err_fd);
		waitpid(child, NULL, __WALL);
		return -e;
	}
	close(err_fd);
	return 0;
}

/*
 * Non-blocking look at the traced child.  Returns 1 when it is stopped at
 * its exit (report now, its map still exists), 2 when it is gone, else 0.
 */
static int check_child(pid_t child)
{
	int status;
	pid_t r = waitpid(child, &status, WNOHANG | __WALL);

	if (r <= 0)
		return r < 0 ? 2 : 0;
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return 2;
	if (!WIFSTOPPED(status))
		return 0;
	if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
		return 1;
	if (status >> 16 == PTRACE_EVENT_STOP) /* group stop (SIGSTOP): stay stopped */
		ptrace(PTRACE_LISTEN, child, 0, 0);
	else /* a signal on its way to the child: deliver it */
		ptrace(PTRACE_CONT, child, 0, (void *)(long)WSTOPSIG(status));
	return 0;
}

int main(int argc, char **argv)
{
	struct memleak_bpf *skel = NULL;
	int err, go_fd = -1, err_fd = -1, state = 0, status, i;
	pid_t child = 0;
	char libc[PATH_MAX];
	struct timespec last, now;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (env.mode == MODE_KERNEL && lesson_check_btf())
		return 1; /* the tracepoint records are read with CO-RE */

	/*
	 * A uprobe lives on a file: the libc the process maps.  A child we
	 * start maps the same libc as we do -- or, when this loader is linked
	 * statically (STATIC=1), the one the dynamic linker would pick.
	 */
	if (env.mode == MODE_USER && env.command) {
		if (!lesson_lib_of_pid(getpid(), libc_names, libc, sizeof(libc)) &&
		    !lesson_lib_of_system("libc.so.6", libc, sizeof(libc)))
			return lesson_error("no libc.so.6 found (ldconfig -p, /lib, /usr/lib)");
	} else if (env.mode == MODE_USER &&
		   !lesson_lib_of_pid(env.pid, libc_names, libc, sizeof(libc))) {
		return lesson_error("PID %d maps no libc.so (statically linked?)", env.pid);
	}

	if (env.command) {
		child = spawn(&go_fd, &err_fd);
		if (child < 0)
			return lesson_fail(-errno, "starting '%s'", env.command);
		env.pid = child;
	}

	skel = memleak_bpf__open();
	if (!skel) {
		err = lesson_fail(-errno, "opening BPF object");
		goto cleanup;
	}
	skel->rodata->target_pid = env.pid;
	select_progs(skel);
	err = memleak_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	if (env.mode == MODE_KERNEL)
		err = attach_kernel(skel);
	else
		err = attach(skel, libc, env.pid);
	if (err)
		goto cleanup;

	if (child) {
		/* Stop it at exit, before its address space goes away. */
		if (ptrace(PTRACE_SEIZE, child, 0, (void *)(long)PTRACE_O_TRACEEXIT)) {
			err = lesson_fail(-errno, "ptrace(PTRACE_SEIZE) on PID %d", child);
			goto cleanup;
		}
		printf("Tracing malloc/calloc/realloc/free of '%s' (PID %d) in %s. Ctrl-C to end.\n",
		       env.command, child, libc);
		err = release(child, go_fd, err_fd);
		go_fd = err_fd = -1;
		if (err) {
			err = lesson_fail(err, "cannot run '%s'", env.argv.we_wordv[0]);
			child = 0; /* reaped */
			goto cleanup;
		}
	} else if (env.mode == MODE_KERNEL) {
		refresh_syms();
		if (!syms)
			fprintf(stderr,
				"memleak: cannot read /proc/kallsyms (%s): stacks as addresses\n",
				strerror(errno));
		printf("Tracing kmem:kmalloc%s, kmem:kfree of ",
		       tp_links[1] ? ", kmem:kmalloc_node" : "");
		if (env.pid)
			printf("PID %d. Ctrl-C to end.\n", env.pid);
		else
			printf("every process. Ctrl-C to end.\n");
	} else {
		printf("Tracing malloc/calloc/realloc/free of PID %d in %s. Ctrl-C to end.\n",
		       env.pid, libc);
	}

	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!lesson_should_stop()) {
		poll(NULL, 0, 100);
		if (child) {
			state = check_child(child);
			if (state)
				break;
		} else if (env.pid && kill(env.pid, 0) && errno == ESRCH) {
			printf("PID %d is gone.\n", env.pid);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - last.tv_sec >= env.interval) {
			last = now;
			refresh_syms();
			report(skel);
		}
	}

	if (state == 1)
		printf("PID %d is exiting; what it never freed:\n", child);
	refresh_syms(); /* no-op when the process is gone: keeps the last map */
	err = report(skel);
	if (skel->bss->dropped_allocs || skel->bss->lost_stacks)
		fprintf(stderr,
			"memleak: lost %llu allocations (allocs map full) and %llu stacks "
			"(stack map full or collision)\n",
			(unsigned long long)skel->bss->dropped_allocs,
			(unsigned long long)skel->bss->lost_stacks);

cleanup:
	if (go_fd >= 0)
		close(go_fd); /* the child reads EOF and exits without running */
	if (err_fd >= 0)
		close(err_fd);
	if (child) {
		/*
		 * A command we started ends with us.  A tracee stopped at its
		 * exit does not wake up for SIGKILL: let it go on explicitly.
		 */
		ptrace(PTRACE_DETACH, child, 0, 0); /* fails unless it is stopped */
		kill(child, SIGKILL);
		while (waitpid(child, &status, __WALL) == child && WIFSTOPPED(status))
			ptrace(PTRACE_DETACH, child, 0, 0);
	}
	for (i = 0; i < NR_PROBES; i++)
		bpf_link__destroy(links[i]);
	for (i = 0; i < NR_TPS; i++)
		bpf_link__destroy(tp_links[i]);
	memleak_bpf__destroy(skel);
	lesson_syms_free(syms);
	if (env.command)
		wordfree(&env.argv);
	return err;
}
