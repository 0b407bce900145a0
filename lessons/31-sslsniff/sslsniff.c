// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 31 loader: find libssl (the one a process has mapped with -p, the
 * system's from `ldconfig -p`, or --libssl PATH), attach an entry uprobe and
 * a uretprobe to SSL_read, SSL_write and, where the library has them,
 * SSL_read_ex and SSL_write_ex, and print each call's plaintext, one line
 * per call.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "helpers.h"
#include "libpath.h"
#include "sslsniff.h"
#include "sslsniff.skel.h"

#define OPT_LIBSSL 256 /* --libssl: long option only */

static struct {
	int pid;
	const char *comm;
	const char *libssl;
	long capture;
} opt = { .capture = MAX_DATA };

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only this process (and the libssl it has mapped)" },
	{ "comm", 'c', "COMM", 0, "Only processes whose name (comm) is COMM" },
	{ "size", 's', "BYTES", 0, "Capture at most BYTES of each call (1-8192, default 8192)" },
	{ "libssl", OPT_LIBSSL, "PATH", 0, "The libssl to probe (default: found by itself)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
		break;
	case 'c':
		if (!*arg)
			argp_error(state, "invalid comm '': empty name");
		if (strlen(arg) >= TASK_COMM_LEN)
			argp_error(state,
				   "invalid comm '%s': longer than %d characters (the kernel"
				   " keeps no more)",
				   arg, TASK_COMM_LEN - 1);
		opt.comm = arg;
		break;
	case 's':
		opt.capture = lesson_arg_long(state, arg, "size", 1, MAX_DATA);
		break;
	case OPT_LIBSSL:
		if (access(arg, R_OK))
			argp_error(state, "invalid libssl '%s': %s", arg, strerror(errno));
		opt.libssl = arg;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "invalid argument '%s': takes none", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print the plaintext of TLS traffic at libssl's SSL_read/SSL_write.\v"
	       "Examples:\n"
	       "  sslsniff                 every process using the system's libssl.so.3\n"
	       "  sslsniff -p 1234         one process, and the libssl it has mapped\n"
	       "  sslsniff -c curl -s 64   curl's traffic, 64 bytes of each call",
	.children = lesson_argp_children,
};

static const char *const func_names[F_NR] = {
	[F_SSL_READ] = "SSL_read",
	[F_SSL_WRITE] = "SSL_write",
	[F_SSL_READ_EX] = "SSL_read_ex",
	[F_SSL_WRITE_EX] = "SSL_write_ex",
};

static const char *const libssl_names[] = { "libssl.so", NULL };

/* One line of data: printable ASCII as is, the rest C-escaped. */
static void print_escaped(const __u8 *d, __u32 n)
{
	__u32 i;

	putchar('"');
	for (i = 0; i < n; i++) {
		switch (d[i]) {
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '"':
		case '\\':
			printf("\\%c", d[i]);
			break;
		default:
			if (d[i] >= 0x20 && d[i] < 0x7f)
				putchar(d[i]);
			else
				printf("\\x%02x", d[i]);
		}
	}
	putchar('"');
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	time_t t = time(NULL);
	char ts[16];

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("%-8s %-5s %-7u %-16s %-6u %-12s ", ts, e->func % 2 ? "WRITE" : "READ", e->pid,
	       e->comm, e->len, func_names[e->func % F_NR]);
	if (e->read_err)
		printf("(unreadable: %s)", strerror(-e->read_err));
	else
		print_escaped(e->data, e->captured);
	if (!e->read_err && e->captured < e->len)
		printf(" (truncated: %u of %u bytes)", e->captured, e->len);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *entry_links[F_NR] = {}, *exit_links[F_NR] = {};
	struct bpf_program *exits[F_NR];
	char path[4096], funcs[64] = "";
	struct ring_buffer *rb = NULL;
	struct sslsniff_bpf *skel;
	const char *source;
	int err, i;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* Which file to put the uprobes on: a uprobe lives on an inode. */
	if (opt.libssl) {
		snprintf(path, sizeof(path), "%s", opt.libssl);
		source = "--libssl";
	} else if (opt.pid) {
		if (!lesson_lib_of_pid(opt.pid, libssl_names, path, sizeof(path)))
			return lesson_error(
				"no libssl.so in /proc/%d/maps: the process does not use"
				" a shared libssl (give --libssl PATH)",
				opt.pid);
		source = "from /proc/PID/maps";
	} else if (!(source = lesson_lib_of_system("libssl.so.3", path, sizeof(path)))) {
		return lesson_error("libssl.so.3 not found (ldconfig -p, /lib, /usr/lib):"
				    " give --libssl PATH");
	}

	skel = sslsniff_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	if (opt.comm)
		strncpy((char *)skel->rodata->filter_comm, opt.comm, TASK_COMM_LEN - 1);
	skel->rodata->capture = opt.capture;
	err = sslsniff_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	exits[F_SSL_READ] = skel->progs.ssl_read_exit;
	exits[F_SSL_WRITE] = skel->progs.ssl_write_exit;
	exits[F_SSL_READ_EX] = skel->progs.ssl_read_ex_exit;
	exits[F_SSL_WRITE_EX] = skel->progs.ssl_write_ex_exit;
	for (i = 0; i < F_NR; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = func_names[i]);
		/* -p: the kernel fires the probes only in that process. */
		int pid = opt.pid ? opt.pid : -1;

		entry_links[i] = bpf_program__attach_uprobe_opts(skel->progs.ssl_rw_enter, pid,
								 path, 0, &uopts);
		if (!entry_links[i]) {
			err = -errno;
			/* The _ex pair is OpenSSL 1.1.1+; older libraries lack it. */
			if (err == -ENOENT && i >= F_SSL_READ_EX)
				continue;
			if (err == -ENOENT)
				err = lesson_error(
					"no function %s() in %s: is it libssl? (check: nm -D"
					" %s)",
					func_names[i], path, path);
			else
				err = lesson_fail(err, "attaching uprobe to %s() in %s",
						  func_names[i], path);
			goto cleanup;
		}
		uopts.retprobe = true;
		exit_links[i] = bpf_program__attach_uprobe_opts(exits[i], pid, path, 0, &uopts);
		if (!exit_links[i]) {
			err = lesson_fail(-errno, "attaching uretprobe to %s() in %s",
					  func_names[i], path);
			goto cleanup;
		}
		snprintf(funcs + strlen(funcs), sizeof(funcs) - strlen(funcs), "%s%s",
			 *funcs ? "/" : "", func_names[i]);
	}

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}

	printf("Tracing %s in %s (%s)", funcs, path, source);
	if (opt.pid)
		printf(", PID %d", opt.pid);
	if (opt.comm)
		printf(", comm %s", opt.comm);
	printf(". Ctrl-C to stop.\n");
	printf("%-8s %-5s %-7s %-16s %-6s %-12s %s\n", "TIME", "DIR", "PID", "COMM", "LEN", "FUNC",
	       "DATA");
	err = lesson_poll_ringbuf(rb);

	if (skel->bss->dropped)
		fprintf(stderr, "sslsniff: %llu events dropped (ring buffer full)\n",
			(unsigned long long)skel->bss->dropped);
	if (skel->bss->missed)
		fprintf(stderr, "sslsniff: %llu calls not traced (calls map full)\n",
			(unsigned long long)skel->bss->missed);
cleanup:
	ring_buffer__free(rb);
	for (i = 0; i < F_NR; i++) {
		bpf_link__destroy(entry_links[i]);
		bpf_link__destroy(exit_links[i]);
	}
	sslsniff_bpf__destroy(skel);
	return err;
}
