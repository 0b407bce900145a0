// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 37 loader: count page allocations (kmem/mm_page_alloc) once a
 * second.  With --ctx format (the default, like the ebpf-go example) it
 * first checks the hand-built record struct against the tracepoint's format
 * file; with --ctx vmlinux the struct comes from vmlinux.h and libbpf fixes
 * its offsets up for this kernel (needs BTF).
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "tracepoint_in_c.h"
#include "tracepoint_in_c.skel.h"

#define TP_FORMAT "events/kmem/mm_page_alloc/format"

static const char *const ctx_names[] = { "format", "vmlinux", NULL };

static struct {
	bool btf;
	int pid;
} env;

static const struct argp_option opts[] = {
	{ "ctx", 'c', "CTX", 0,
	  "format: the record struct written by hand from the format file (default); "
	  "vmlinux: vmlinux.h's trace_event_raw_mm_page_alloc (CO-RE)" },
	{ "pid", 'p', "PID", 0, "Only count allocations made by process PID" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		env.btf = lesson_arg_choice(state, arg, "context", ctx_names) == 1;
		break;
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count page allocations at the kmem/mm_page_alloc tracepoint.\v"
	       "Examples:\n"
	       "  tracepoint_in_c                 every allocation, hand-built context\n"
	       "  tracepoint_in_c --ctx vmlinux   the same through vmlinux.h\n"
	       "  tracepoint_in_c -p 1234         only process 1234's allocations",
	.children = lesson_argp_children,
};

/* The fields the kernel half relies on, where our struct puts them. */
static const struct {
	const char *name;
	size_t offset, size;
} want[] = {
/* Not clang-formatted: versions 14 and 19 lay this macro out differently. */
/* clang-format off */
#define FIELD(f) \
	{ #f, offsetof(struct mm_page_alloc_args, f), sizeof(((struct mm_page_alloc_args *)0)->f) }
	/* clang-format on */
	FIELD(common_pid), FIELD(pfn), FIELD(order), FIELD(gfp_flags), FIELD(migratetype),
#undef FIELD
};

/*
 * Each field line of a format file reads
 *	field:unsigned int order;	offset:16;	size:4;	signed:0;
 * The name is the last word before ';' (arrays would end in "[N]").
 */
static int check_format(void)
{
	const char *tracefs = lesson_ensure_tracefs();
	char path[PATH_MAX], line[512], name[128];
	size_t i, found = 0;
	unsigned int off, size;
	FILE *f;

	if (!tracefs)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", tracefs, TP_FORMAT);
	f = fopen(path, "r");
	if (!f)
		return lesson_error("cannot read %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *decl = strstr(line, "field:"), *semi, *word;

		/* The kernel's own "field:...; offset:N; size:N;" lines. */
		if (!decl ||
		    /* NOLINTNEXTLINE(cert-err34-c) */
		    sscanf(line, "%*[^;];%*[ \t]offset:%u;%*[ \t]size:%u;", &off, &size) != 2)
			continue;
		semi = strchr(decl, ';');
		*semi = '\0';
		word = strrchr(decl, ' ');
		snprintf(name, sizeof(name), "%s", word ? word + 1 : decl + 6);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (strcmp(name, want[i].name) != 0)
				continue;
			if (off != want[i].offset || size != want[i].size) {
				fclose(f);
				return lesson_error("%s: %s is at offset %u size %u, struct "
						    "mm_page_alloc_args has offset %zu size %zu: "
						    "fix the struct, or use --ctx vmlinux",
						    path, name, off, size, want[i].offset,
						    want[i].size);
			}
			found++;
		}
	}
	fclose(f);
	if (found != sizeof(want) / sizeof(want[0]))
		return lesson_error("%s: only %zu of the %zu fields we read are there", path, found,
				    sizeof(want) / sizeof(want[0]));
	printf("Checked %s: %zu fields at the offsets struct mm_page_alloc_args uses.\n", path,
	       found);
	return 0;
}

static int print_counts(struct tracepoint_in_c_bpf *skel)
{
	__u64 v[NR_COUNTS] = {};
	__u32 k;
	int err;

	for (k = 0; k < NR_COUNTS; k++) {
		err = bpf_map__lookup_elem(skel->maps.counts, &k, sizeof(k), &v[k], sizeof(v[k]),
					   0);
		if (err)
			return lesson_fail(err, "reading counts");
	}
	printf("mm_page_alloc: %llu allocations, %llu pages\n", (unsigned long long)v[COUNT_ALLOCS],
	       (unsigned long long)v[COUNT_PAGES]);
	return 0;
}

int main(int argc, char **argv)
{
	struct tracepoint_in_c_bpf *skel;
	int err, ticks = 0;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	/* CO-RE needs the kernel's BTF; the hand-built struct needs the format file. */
	if (env.btf ? lesson_check_btf() : check_format())
		return 1;

	skel = tracepoint_in_c_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_pid = env.pid;
	bpf_program__set_autoload(skel->progs.page_alloc_format, !env.btf);
	bpf_program__set_autoload(skel->progs.page_alloc_btf, env.btf);

	err = tracepoint_in_c_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = tracepoint_in_c_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to kmem/mm_page_alloc");
		goto cleanup;
	}

	printf("Counting kmem/mm_page_alloc%s with %s. Ctrl-C to stop.\n",
	       env.pid ? " for one PID" : "",
	       env.btf ? "vmlinux.h's trace_event_raw_mm_page_alloc"
		       : "the hand-built struct mm_page_alloc_args");
	err = print_counts(skel);
	while (!err && !lesson_should_stop()) {
		usleep(100 * 1000);
		if (++ticks % 10 == 0)
			err = print_counts(skel);
	}
	if (!err)
		err = print_counts(skel);

cleanup:
	tracepoint_in_c_bpf__destroy(skel);
	return err;
}
