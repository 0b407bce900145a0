// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 36 loader: the ebpf-go "uretprobe" example (bash's readline()
 * through a perf event array), generalised to any function of any ELF file:
 * -b BINARY -f SYMBOL, and -t says how to show the return value.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "helpers.h"
#include "uretprobe.h"
#include "uretprobe.skel.h"

enum ret_type { T_INT, T_UINT, T_LONG, T_ULONG, T_HEX, T_STR };
static const char *const type_names[] = { "int", "uint", "long", "ulong", "hex", "str", NULL };

static struct {
	const char *binary;
	const char *symbol;
	int type;
	int pid;
} opt = { .binary = "/bin/bash", .symbol = "readline", .type = T_STR };

static const struct argp_option opts[] = {
	{ "binary", 'b', "PATH", 0, "ELF file (program or library) (default: /bin/bash)" },
	{ "func", 'f', "SYMBOL", 0, "Function whose returns to print (default: readline)" },
	{ "type", 't', "TYPE", 0,
	  "Show the return value as int, uint, long, ulong, hex or str (a char *;"
	  " the default)" },
	{ "pid", 'p', "PID", 0, "Only this process" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'b':
		if (access(arg, R_OK))
			argp_error(state, "invalid binary '%s': %s", arg, strerror(errno));
		opt.binary = arg;
		break;
	case 'f':
		if (!*arg)
			argp_error(state, "invalid function '': empty name");
		opt.symbol = arg;
		break;
	case 't':
		opt.type = lesson_arg_choice(state, arg, "type", type_names);
		break;
	case 'p':
		opt.pid = lesson_arg_pid(state, arg);
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
	.doc = "Print what a function returns, each time it returns.\v"
	       "Examples:\n"
	       "  uretprobe                             bash's readline(): every line typed\n"
	       "  uretprobe -b ./uret_target -f answer -t int\n"
	       "  uretprobe -b /lib/x86_64-linux-gnu/libc.so.6 -f getpid -t int -p 1234",
	.children = lesson_argp_children,
};

static void handle_event(void *ctx, int cpu, void *data, __u32 size)
{
	struct event e = {};
	char ts[16], val[STR_LEN + 24];
	time_t t = time(NULL);

	/*
	 * A perf buffer sample starts 4 bytes past an 8-byte boundary (after
	 * its u32 size): copy it out before reading its 8-byte fields.
	 */
	memcpy(&e, data, size < sizeof(e) ? size : sizeof(e));

	/*
	 * The ABI returns an int in the low 32 bits of the register and leaves
	 * the upper half undefined: narrow it before showing it.
	 */
	switch (opt.type) {
	case T_INT:
		snprintf(val, sizeof(val), "%d", (int)(__s32)e.ret);
		break;
	case T_UINT:
		snprintf(val, sizeof(val), "%u", (__u32)e.ret);
		break;
	case T_LONG:
		snprintf(val, sizeof(val), "%lld", (long long)e.ret);
		break;
	case T_ULONG:
		snprintf(val, sizeof(val), "%llu", (unsigned long long)e.ret);
		break;
	case T_HEX:
		snprintf(val, sizeof(val), "0x%llx", (unsigned long long)e.ret);
		break;
	default:
		if (!e.ret)
			snprintf(val, sizeof(val), "(null)");
		else if (e.str_len)
			snprintf(val, sizeof(val), "%s", e.str);
		else /* not readable: show the pointer */
			snprintf(val, sizeof(val), "(unreadable 0x%llx)",
				 (unsigned long long)e.ret);
	}
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("%-8s %-7u %-16s %s\n", ts, e.pid, e.comm, val);
}

static void handle_lost(void *ctx, int cpu, __u64 count)
{
	fprintf(stderr, "uretprobe: lost %llu events on CPU %d (perf buffer full)\n",
		(unsigned long long)count, cpu);
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .retprobe = true);
	struct perf_buffer *pb = NULL;
	struct bpf_link *link = NULL;
	struct uretprobe_bpf *skel;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = uretprobe_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->read_str = opt.type == T_STR;
	err = uretprobe_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	/* ebpf-go: link.OpenExecutable(binary).Uretprobe(symbol, prog, opts) */
	uopts.func_name = opt.symbol;
	link = bpf_program__attach_uprobe_opts(skel->progs.uretprobe_ret, opt.pid ? opt.pid : -1,
					       opt.binary, 0, &uopts);
	if (!link) {
		err = -errno;
		if (err == -ENOENT)
			err = lesson_error("no function %s() in %s (check: nm -D %s; nm %s)",
					   opt.symbol, opt.binary, opt.binary, opt.binary);
		else
			err = lesson_fail(err, "attaching uretprobe to %s() in %s", opt.symbol,
					  opt.binary);
		goto cleanup;
	}

	/* ebpf-go: perf.NewReader(objs.Events, os.Getpagesize()); here 8 pages per CPU. */
	pb = perf_buffer__new(bpf_map__fd(skel->maps.events), 8, handle_event, handle_lost, NULL,
			      NULL);
	if (!pb) {
		err = lesson_fail(-errno, "creating perf buffer");
		goto cleanup;
	}

	printf("Tracing returns of %s() in %s", opt.symbol, opt.binary);
	if (opt.pid)
		printf(" for PID %d", opt.pid);
	printf(" as %s. Ctrl-C to stop.\n", type_names[opt.type]);
	printf("%-8s %-7s %-16s %s\n", "TIME", "PID", "COMM", "RETURN");
	err = lesson_poll_perfbuf(pb);

cleanup:
	perf_buffer__free(pb);
	bpf_link__destroy(link);
	uretprobe_bpf__destroy(skel);
	return err;
}
