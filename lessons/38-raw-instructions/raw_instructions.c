// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 38: no .bpf.c, no object file, no skeleton.  The program is an
 * array of struct bpf_insn written with our own macros, loaded with
 * bpf_prog_load(), attached to syscalls/sys_enter_openat through
 * perf_event_open() + PERF_EVENT_IOC_SET_BPF, and it reports each openat()
 * (PID, TID, comm, file name) through a PERF_EVENT_ARRAY map we create
 * with bpf_map_create() and read with perf_buffer__new().
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"

/*
 * Instruction macros, named like the kernel's (include/linux/filter.h) and
 * doing what ebpf-go's asm package does: each fills in one struct bpf_insn
 * (opcode = class | op | source, dst and src registers, offset, immediate).
 */
#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){            \
		.code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
/* dst = src (64 bit) */
#define MOV64_REG(DST, SRC)	     INSN(BPF_ALU64 | BPF_MOV | BPF_X, DST, SRC, 0, 0)
/* dst = imm, sign-extended to 64 bit */
#define MOV64_IMM(DST, IMM)	     INSN(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
/* dst = (u32)imm: the upper 32 bits become zero */
#define MOV32_IMM(DST, IMM)	     INSN(BPF_ALU | BPF_MOV | BPF_K, DST, 0, 0, IMM)
/* dst OP= imm (64 bit): BPF_ADD, BPF_RSH, ... */
#define ALU64_IMM(OP, DST, IMM)	     INSN(BPF_ALU64 | (OP) | BPF_K, DST, 0, 0, IMM)
/* *(size *)(dst + off) = src */
#define STX_MEM(SIZE, DST, SRC, OFF) INSN(BPF_STX | (SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* dst = *(size *)(src + off) */
#define LDX_MEM(SIZE, DST, SRC, OFF) INSN(BPF_LDX | (SIZE) | BPF_MEM, DST, SRC, OFF, 0)
/* if (dst OP imm) goto pc + 1 + off */
#define JMP_IMM(OP, DST, IMM, OFF)   INSN(BPF_JMP | (OP) | BPF_K, DST, 0, OFF, IMM)
/* r0 = helper(r1, ..., r5) */
#define CALL(HELPER)		     INSN(BPF_JMP | BPF_CALL, 0, 0, 0, HELPER)
#define EXIT()			     INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/*
 * dst = the map with this fd: a 64-bit immediate takes two instructions, the
 * second carrying the upper 32 bits (0 here).  BPF_PSEUDO_MAP_FD tells the
 * kernel to replace the fd with the map's address.
 */
#define LD_MAP_FD_1(DST, FD)	     INSN(BPF_LD | BPF_DW | BPF_IMM, DST, BPF_PSEUDO_MAP_FD, 0, FD)
#define LD_MAP_FD_2()		     INSN(0, 0, 0, 0, 0)

#define TP	 "syscalls/sys_enter_openat"
#define COMM_LEN 16
#define NAME_LEN 64

/* The record the program builds on its stack, at r10 - sizeof. */
struct event {
	__u32 pid;
	__u32 tid;
	char comm[COMM_LEN];
	char filename[NAME_LEN];
};
#define EV_OFF	  (-(int)sizeof(struct event))
#define AT(field) (EV_OFF + (int)offsetof(struct event, field))

static struct {
	int pid;
	bool bad, dump;
} env;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only report openat() by process PID (a compare in the program)" },
	{ "bad", 'b', NULL, 0, "Load a program with a deliberate bug: see the verifier refuse it" },
	{ "dump", 'D', NULL, 0, "Print the instructions before loading them" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	case 'b':
		env.bad = true;
		break;
	case 'D':
		env.dump = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Report openat() calls with a BPF program written as raw instructions.\v"
	       "Examples:\n"
	       "  raw_instructions           every openat()\n"
	       "  raw_instructions -p 1234   only process 1234's\n"
	       "  raw_instructions --bad     the verifier's answer to a broken program",
	.children = lesson_argp_children,
};

/* "offset:N" of one field in the tracepoint's format file, or -1. */
static int tp_field_offset(const char *tracefs, const char *field)
{
	char path[PATH_MAX], line[512], want[64], *at;
	int off = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/format", tracefs, TP);
	snprintf(want, sizeof(want), " %s;", field);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* The kernel's own "field:TYPE NAME; offset:N; size:N; ..." lines. */
	while (fgets(line, sizeof(line), f)) {
		at = strstr(line, "offset:");
		if (!at || !strstr(line, "field:") || !strstr(line, want))
			continue;
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(at, "offset:%d;", &off) == 1)
			break;
	}
	fclose(f);
	return off;
}

/* The tracepoint's id: what perf_event_open() wants as config. */
static int tp_id(const char *tracefs)
{
	char path[PATH_MAX];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/id", tracefs, TP);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* The kernel's own one-number file. */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (fscanf(f, "%d", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

/*
 * Build the program into insns; returns how many.  r6 = ctx, r7 = PID.
 * fname_off: where the format file says the filename pointer is.
 */
static int build_program(struct bpf_insn *insns, int map_fd, int fname_off)
{
	int n = 0, skip = -1;

	insns[n++] = MOV64_REG(BPF_REG_6, BPF_REG_1); /* keep ctx: calls clobber r1-r5 */
	/* r0 = tgid << 32 | tid */
	insns[n++] = CALL(BPF_FUNC_get_current_pid_tgid);
	insns[n++] = STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, AT(tid)); /* low 32 bits */
	insns[n++] = MOV64_REG(BPF_REG_7, BPF_REG_0);
	insns[n++] = ALU64_IMM(BPF_RSH, BPF_REG_7, 32);
	insns[n++] = STX_MEM(BPF_W, BPF_REG_10, BPF_REG_7, AT(pid));
	if (env.pid) {
		/* -p: the filter is code, specialised for this run.  Offset below. */
		skip = n;
		insns[n++] = JMP_IMM(BPF_JNE, BPF_REG_7, env.pid, 0);
	}
	/* bpf_get_current_comm(r10 + AT(comm), COMM_LEN) */
	insns[n++] = MOV64_REG(BPF_REG_1, BPF_REG_10);
	insns[n++] = ALU64_IMM(BPF_ADD, BPF_REG_1, AT(comm));
	insns[n++] = MOV64_IMM(BPF_REG_2, COMM_LEN);
	insns[n++] = CALL(BPF_FUNC_get_current_comm);
	/* bpf_probe_read_user_str(r10 + AT(filename), NAME_LEN, ctx->filename) */
	insns[n++] = MOV64_REG(BPF_REG_1, BPF_REG_10);
	insns[n++] = ALU64_IMM(BPF_ADD, BPF_REG_1, AT(filename));
	insns[n++] = MOV64_IMM(BPF_REG_2, NAME_LEN);
	insns[n++] = LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_6, fname_off);
	insns[n++] = CALL(BPF_FUNC_probe_read_user_str);
	/* bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, r10 + EV_OFF, size) */
	insns[n++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
	insns[n++] = LD_MAP_FD_1(BPF_REG_2, map_fd);
	insns[n++] = LD_MAP_FD_2();
	/* 32-bit move: 0x00000000ffffffff, no stray bits in the upper flags */
	insns[n++] = MOV32_IMM(BPF_REG_3, (int)BPF_F_CURRENT_CPU);
	insns[n++] = MOV64_REG(BPF_REG_4, BPF_REG_10);
	insns[n++] = ALU64_IMM(BPF_ADD, BPF_REG_4, EV_OFF);
	insns[n++] = MOV64_IMM(BPF_REG_5, sizeof(struct event));
	insns[n++] = CALL(BPF_FUNC_perf_event_output);
	/* Jumps count from the next instruction: land on "r0 = 0". */
	if (skip >= 0)
		insns[skip].off = n - skip - 1;
	/* --bad: read r8, which nothing ever wrote.  The verifier tracks that. */
	if (env.bad)
		insns[n++] = MOV64_REG(BPF_REG_0, BPF_REG_8);
	else
		insns[n++] = MOV64_IMM(BPF_REG_0, 0);
	insns[n++] = EXIT();
	return n;
}

static void dump_program(const struct bpf_insn *insns, int n)
{
	int i;

	for (i = 0; i < n; i++)
		printf("%3d: code=0x%02x dst=r%d src=r%d off=%-4d imm=%d\n", i, insns[i].code,
		       insns[i].dst_reg, insns[i].src_reg, insns[i].off, insns[i].imm);
}

static void handle_event(void *ctx, int cpu, void *data, __u32 size)
{
	const struct event *e = data;

	printf("%-7u %-7u %-16.16s %.64s\n", e->pid, e->tid, e->comm, e->filename);
}

static void handle_lost(void *ctx, int cpu, __u64 cnt)
{
	fprintf(stderr, "raw_instructions: lost %llu events on CPU %d\n", (unsigned long long)cnt,
		cpu);
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr) };
	LIBBPF_OPTS(bpf_prog_load_opts, load_opts);
	int map_fd = -1, prog_fd = -1, pfd = -1, id, fname_off, n, err = 1;
	static char log[64 * 1024];
	struct perf_buffer *pb = NULL;
	struct bpf_insn insns[64];
	const char *tracefs;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	tracefs = lesson_ensure_tracefs();
	if (!tracefs)
		return 1;
	id = tp_id(tracefs);
	fname_off = tp_field_offset(tracefs, "filename");
	if (id < 0 || fname_off < 0)
		return lesson_error("cannot read %s/events/%s/{id,format}", tracefs, TP);

	/* One perf ring per CPU; the program writes to the current CPU's. */
	map_fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "raw_events", sizeof(int),
				sizeof(int), libbpf_num_possible_cpus(), NULL);
	if (map_fd < 0)
		return lesson_fail(map_fd, "creating the PERF_EVENT_ARRAY map");

	n = build_program(insns, map_fd, fname_off);
	if (env.dump)
		dump_program(insns, n);
	/*
	 * libbpf's low-level call is a thin wrapper around bpf(BPF_PROG_LOAD).
	 * Ask for the verifier's log: without an object, libbpf has none to show.
	 */
	load_opts.log_buf = log;
	load_opts.log_size = sizeof(log);
	load_opts.log_level = 1;
	prog_fd =
		bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "raw_openat", "GPL", insns, n, &load_opts);
	if (prog_fd < 0) {
		err = lesson_error("loading the program: %s", strerror(-prog_fd));
		fprintf(stderr, "verifier log:\n%s", log);
		goto cleanup;
	}

	/* The tracepoint as a perf event: any CPU will do, the program sees all. */
	attr.config = id;
	attr.sample_period = 1;
	pfd = syscall(SYS_perf_event_open, &attr, -1 /* pid */, 0 /* cpu */, -1,
		      PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = lesson_fail(-errno, "perf_event_open(%s)", TP);
		goto cleanup;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0)) {
		err = lesson_fail(-errno, "attaching the program to %s", TP);
		goto cleanup;
	}

	pb = perf_buffer__new(map_fd, 16, handle_event, handle_lost, NULL, NULL);
	if (!pb) {
		err = lesson_fail(-errno, "creating perf buffer");
		goto cleanup;
	}
	printf("Tracing openat() with %d raw instructions", n);
	if (env.pid)
		printf(" for PID %d", env.pid);
	printf(". Ctrl-C to stop.\n");
	printf("%-7s %-7s %-16s %s\n", "PID", "TID", "COMM", "FILENAME");
	err = lesson_poll_perfbuf(pb);

cleanup:
	/* Closing the perf event detaches; the last fd frees program and map. */
	perf_buffer__free(pb);
	if (pfd >= 0)
		close(pfd);
	if (prog_fd >= 0)
		close(prog_fd);
	close(map_fd);
	return err;
}
