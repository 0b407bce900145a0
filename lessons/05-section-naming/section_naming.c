// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 05 loader: walk the object's ELF sections and say what libbpf made
 * of each one; set .rodata before load; then read .bss, .data and a custom
 * .data.* section while the programs run, straight from memory-mapped maps,
 * and write one .data variable (SIGUSR1 pauses/resumes the counting).
 */
#include <argp.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "section_naming.skel.h"

static int target_pid;
static volatile sig_atomic_t flip_counting; /* SIGUSR1 arrived */

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Only count syscalls of PID (.rodata target_tgid)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'p')
		return ARGP_ERR_UNKNOWN;
	target_pid = lesson_arg_pid(state, arg);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "List the BPF object's sections and what libbpf does with each; then count "
	       "kill() calls and syscalls in global variables.\v"
	       "SIGUSR1 pauses or resumes the counting (writes the .data variable 'counting').\n"
	       "Example: section_naming -p $$",
	.children = lesson_argp_children,
};

/* Internal maps are named <object prefix><section>, e.g. "section.rodata". */
static struct bpf_map *internal_map(struct bpf_object *obj, const char *sec)
{
	size_t slen = strlen(sec), nlen;
	struct bpf_map *map;

	bpf_object__for_each_map (map, obj) {
		nlen = strlen(bpf_map__name(map));
		if (bpf_map__is_internal(map) && nlen >= slen &&
		    !strcmp(bpf_map__name(map) + nlen - slen, sec))
			return map;
	}
	return NULL;
}

static void describe(struct bpf_object *obj, const char *sec, GElf_Shdr *sh, char *out, size_t len)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int n;

	/* libbpf drops a leading "?" (autoload off) from the name it keeps. */
	bpf_object__for_each_program (prog, obj)
		if (!strcmp(bpf_program__section_name(prog), sec + (sec[0] == '?'))) {
			snprintf(out, len, "program %s: %s%s", bpf_program__name(prog),
				 libbpf_bpf_prog_type_str(bpf_program__type(prog)),
				 bpf_program__autoload(prog) ? "" : ", not loaded (\"?\")");
			return;
		}
	if (!strcmp(sec, ".maps")) {
		n = snprintf(out, len, "BTF-defined maps:");
		bpf_object__for_each_map (map, obj)
			if (!bpf_map__is_internal(map) && n > 0 && (size_t)n < len)
				n += snprintf(out + n, len - n, " %s (%s)", bpf_map__name(map),
					      libbpf_bpf_map_type_str(bpf_map__type(map)));
		return;
	}
	if (!strcmp(sec, ".rodata") || !strcmp(sec, ".data") || !strcmp(sec, ".bss") ||
	    !strncmp(sec, ".data.", 6) || !strncmp(sec, ".rodata.", 8)) {
		map = internal_map(obj, sec);
		if (map)
			snprintf(out, len, "global data: map %s (array, 1 x %u bytes%s)",
				 bpf_map__name(map), bpf_map__value_size(map),
				 !strncmp(sec, ".rodata", 7) ? ", read-only, frozen at load" : "");
		else
			snprintf(out, len, "global data, but no map (empty)");
		return;
	}
	if (!strcmp(sec, "license"))
		snprintf(out, len, "license, passed to the kernel with every program");
	else if (!strcmp(sec, ".BTF"))
		snprintf(out, len, "type info: maps' and globals' layout, loaded into the kernel");
	else if (!strcmp(sec, ".BTF.ext"))
		snprintf(out, len, "line info and CO-RE relocations, per program");
	else if (!strncmp(sec, ".rel", 4))
		snprintf(out, len, "relocations: map and global references in %s", sec + 4);
	else if (!strcmp(sec, ".text"))
		snprintf(out, len, sh->sh_size ? "subprograms (static functions)" : "empty");
	else if (!strcmp(sec, ".symtab") || !strcmp(sec, ".strtab"))
		snprintf(out, len, "symbols: program, map and variable names");
	else
		snprintf(out, len, "ignored");
}

/* The embedded object, read with libelf: the same bytes libbpf parsed. */
static int list_sections(struct section_naming_bpf *skel)
{
	const void *bytes;
	size_t sz, shstrndx;
	char what[256];
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;

	bytes = section_naming_bpf__elf_bytes(&sz);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return lesson_error("libelf: %s", elf_errmsg(-1));
	elf = elf_memory((char *)bytes, sz);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return lesson_error("libelf: %s", elf_errmsg(-1));
	printf("%-32s %-9s %6s  %s\n", "SECTION", "TYPE", "SIZE", "LIBBPF");
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || !name[0])
			continue;
		describe(skel->obj, name, &sh, what, sizeof(what));
		printf("%-32s %-9s %6llu  %s\n", name,
		       sh.sh_type == SHT_PROGBITS ? "PROGBITS"
		       : sh.sh_type == SHT_NOBITS ? "NOBITS"
		       : sh.sh_type == SHT_REL	  ? "REL"
		       : sh.sh_type == SHT_SYMTAB ? "SYMTAB"
		       : sh.sh_type == SHT_STRTAB ? "STRTAB"
						  : "OTHER",
		       (unsigned long long)sh.sh_size, what);
	}
	elf_end(elf);
	return 0;
}

static void print_globals(struct section_naming_bpf *skel, const char *prefix)
{
	/* Plain memory reads: the maps are mmap()ed into us by the skeleton. */
	printf("%s%-26llu %-14llu %ld\n", prefix,
	       (unsigned long long)skel->data_counters->kill_calls,
	       (unsigned long long)skel->bss->syscalls, skel->data->last_signal);
}

static void on_usr1(int sig)
{
	flip_counting = 1;
}

/* Variable.Set() after load: a store into the mmap()ed .data map, seen by the next run. */
static void toggle_counting(struct section_naming_bpf *skel)
{
	flip_counting = 0;
	skel->data->counting = !skel->data->counting;
	printf("SIGUSR1: counting %s (.data counting = %d)\n", skel->data->counting ? "on" : "off",
	       skel->data->counting);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct section_naming_bpf *skel;
	int err;

	lesson_init(argv[0]);
	/* No SA_RESTART, like SIGINT: sleep() returns and the loop reacts at once. */
	sigaction(SIGUSR1, &sa, NULL);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	skel = section_naming_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	err = list_sections(skel);
	if (err)
		goto cleanup;

	/* Between open and load .rodata is ordinary memory; after load it is frozen. */
	skel->rodata->target_tgid = target_pid;
	err = section_naming_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	/* Attaches count_kill and count_syscalls; socket and kprobe have nothing to attach to. */
	err = section_naming_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching programs");
		goto cleanup;
	}
	if (target_pid)
		printf("Counting kill() and syscalls of PID %d. Ctrl-C to stop.\n", target_pid);
	else
		printf("Counting kill() and syscalls of every process. Ctrl-C to stop.\n");
	printf("%-26s %-14s %s\n", "KILL_CALLS(.data.counters)", "SYSCALLS(.bss)",
	       "LAST_SIGNAL(.data)");
	print_globals(skel, "");
	while (!lesson_should_stop()) {
		if (!flip_counting)
			sleep(1);
		if (flip_counting)
			toggle_counting(skel);
		else if (!lesson_exiting)
			print_globals(skel, "");
	}
	print_globals(skel, "Final: ");

cleanup:
	section_naming_bpf__destroy(skel);
	return err;
}
