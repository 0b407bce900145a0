// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 02 loader: one self-contained binary.  The BPF object is inside it
 * (the skeleton holds the ELF bytes), libbpf/libelf/zlib are linked in
 * statically, and CO-RE makes the same object fit any kernel with BTF.
 */
#include <argp.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "portable.h"
#include "portable.skel.h"

static const char *object_path; /* --object: try this file instead */
static const char *btf_path;	/* --btf: CO-RE target BTF for BTF-less kernels */

enum { OPT_OBJECT = 'o', OPT_BTF = 'b' };

static const struct argp_option opts[] = {
	{ "object", OPT_OBJECT, "FILE", 0,
	  "Do not trace: open and load FILE (a .o) and say whether this host can use it" },
	{ "btf", OPT_BTF, "FILE", 0,
	  "Relocate against FILE instead of /sys/kernel/btf/vmlinux (see min_core_btf)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_OBJECT:
		object_path = arg;
		break;
	case OPT_BTF:
		if (access(arg, R_OK))
			argp_error(state, "invalid BTF file '%s': %s", arg, strerror(errno));
		btf_path = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print every exec(): PID, parent PID (read with CO-RE) and command.\v"
	       "The BPF object is embedded: copy this binary anywhere and run it.",
	.children = lesson_argp_children,
};

/* What an ELF header says about byte order: "little-endian" or "big-endian". */
static const char *elf_order(const unsigned char *ident)
{
	if (ident[EI_DATA] == ELFDATA2LSB)
		return "little-endian";
	if (ident[EI_DATA] == ELFDATA2MSB)
		return "big-endian";
	return "unknown byte order";
}

static const char *host_order(void)
{
	const unsigned short one = 1;

	return *(const unsigned char *)&one ? "little-endian" : "big-endian";
}

/* --object: libbpf's warnings go to stderr as they come, so you see them. */
static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, args);
}

static int try_object(const char *path)
{
	unsigned char ident[EI_NIDENT] = {};
	struct bpf_object *obj;
	char msg[128];
	FILE *f;
	int err;

	f = fopen(path, "rb");
	if (!f)
		return lesson_error("cannot open '%s': %s", path, strerror(errno));
	if (fread(ident, 1, sizeof(ident), f) != sizeof(ident) ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0) {
		fclose(f);
		return lesson_error("'%s' is not an ELF file", path);
	}
	fclose(f);
	if (!lesson_env.verbose)
		libbpf_set_print(print_warnings);

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		err = -errno;
		libbpf_strerror(err, msg, sizeof(msg));
		return lesson_error("libbpf cannot open %s: %s (object is %s, this host is %s)",
				    path, msg, elf_order(ident), host_order());
	}
	err = bpf_object__load(obj);
	if (err) {
		libbpf_strerror(err, msg, sizeof(msg));
		bpf_object__close(obj);
		return lesson_error("libbpf cannot load %s: %s", path, msg);
	}
	printf("%s: %s object, opened and loaded fine on this %s host\n", path, elf_order(ident),
	       host_order());
	bpf_object__close(obj);
	return 0;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	printf("%-8d %-8d %s\n", e->pid, e->ppid, e->comm);
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct ring_buffer *rb = NULL;
	struct portable_bpf *skel;
	const unsigned char *elf;
	size_t elf_sz;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (object_path)
		return try_object(object_path);
	/* Without BTF in the kernel, CO-RE needs it from somewhere else. */
	if (!btf_path && lesson_check_btf())
		return 1;

	/* The skeleton's object is an array of bytes compiled into us. */
	elf = portable_bpf__elf_bytes(&elf_sz);
	printf("Embedded BPF object: %zu bytes, %s\n", elf_sz, elf_order(elf));

	open_opts.btf_custom_path = btf_path;
	skel = portable_bpf__open_opts(&open_opts);
	if (!skel)
		return lesson_fail(-errno, "opening embedded BPF object");
	err = portable_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object (CO-RE against %s)",
				  btf_path ?: "/sys/kernel/btf/vmlinux");
		goto cleanup;
	}
	err = portable_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to tracepoint sched/sched_process_exec");
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = lesson_fail(-errno, "creating ring buffer");
		goto cleanup;
	}
	printf("Tracing exec() (CO-RE against %s). Ctrl-C to stop.\n",
	       btf_path ?: "/sys/kernel/btf/vmlinux");
	printf("%-8s %-8s %s\n", "PID", "PPID", "COMM");
	err = lesson_poll_ringbuf(rb);

cleanup:
	ring_buffer__free(rb);
	portable_bpf__destroy(skel);
	return err;
}
