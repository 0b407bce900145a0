// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 03 loader: no skeleton.  Open a .bpf.o by path, show what is in it
 * (programs, maps, a BTF type), choose what to load, load it, and keep it
 * loaded until Ctrl-C so bpftool can look at the result.
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "helpers.h"

#define MAX_PICKS 16

static char object_path[PATH_MAX];
static const char *type_name = "__u64";
static const char *only_progs[MAX_PICKS]; /* -p: load just these */
static const char *skip_maps[MAX_PICKS];  /* -M: do not create these */
static int nr_only, nr_skip;
static bool list_only;

static const struct argp_option opts[] = {
	{ "object", 'o', "FILE", 0,
	  "BPF object to open (default: loading.bpf.o beside this binary)" },
	{ "prog", 'p', "NAME", 0, "Load only this program (repeat for more)" },
	{ "no-map", 'M', "NAME", 0, "Do not create this map (repeat for more)" },
	{ "type", 't', "NAME", 0, "BTF type to look up in the object (default: __u64)" },
	{ "list", 'l', NULL, 0, "Only list the object's contents; load nothing" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'o':
		if (strlen(arg) >= sizeof(object_path))
			argp_error(state, "invalid object path '%s': longer than %zu bytes", arg,
				   sizeof(object_path) - 1);
		strcpy(object_path, arg);
		break;
	case 'p':
	case 'M':
		if ((key == 'p' ? nr_only : nr_skip) == MAX_PICKS)
			argp_error(state, "invalid %s '%s': at most %d -%c options",
				   key == 'p' ? "program" : "map", arg, MAX_PICKS, key);
		if (key == 'p')
			only_progs[nr_only++] = arg;
		else
			skip_maps[nr_skip++] = arg;
		break;
	case 't':
		type_name = arg;
		break;
	case 'l':
		list_only = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Open a BPF object, list its programs and maps, load (some of) them.\v"
	       "Example: loading -p xdp_pass -M counts    (one program, one map)",
	.children = lesson_argp_children,
};

/* The object make built sits next to the binary: build/03-loading/. */
static int default_object(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return lesson_error("cannot read /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	snprintf(object_path, sizeof(object_path), "%s/loading.bpf.o", dirname(exe));
	return 0;
}

static bool picked(const char *name, const char **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* The CollectionSpec view: what libbpf found in the ELF, before the kernel saw any of it. */
static void list_object(struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	printf("%-16s %-12s %-34s %6s %s\n", "PROGRAM", "TYPE", "SECTION", "INSNS", "AUTOLOAD");
	bpf_object__for_each_program (prog, obj)
		printf("%-16s %-12s %-34s %6zu %s\n", bpf_program__name(prog),
		       libbpf_bpf_prog_type_str(bpf_program__type(prog)),
		       bpf_program__section_name(prog), bpf_program__insn_cnt(prog),
		       bpf_program__autoload(prog) ? "yes" : "no");
	printf("%-16s %-12s %6s %6s %11s %s\n", "MAP", "TYPE", "KEY", "VALUE", "MAX_ENTRIES",
	       "AUTOCREATE");
	bpf_object__for_each_map (map, obj)
		printf("%-16s %-12s %6u %6u %11u %s\n", bpf_map__name(map),
		       libbpf_bpf_map_type_str(bpf_map__type(map)), bpf_map__key_size(map),
		       bpf_map__value_size(map), bpf_map__max_entries(map),
		       bpf_map__autocreate(map) ? "yes" : "no");
}

/* spec.Types.AnyTypeByName(name): find it, then follow typedefs to what it means. */
static int show_btf_type(struct bpf_object *obj, const char *name)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	int id;

	if (!btf)
		return lesson_error("%s has no BTF (was it built with clang -g?)", object_path);
	id = btf__find_by_name(btf, name);
	if (id < 0)
		return lesson_error("no BTF type named '%s' in %s", name, object_path);
	printf("BTF type '%s':", name);
	for (t = btf__type_by_id(btf, id); t; t = btf__type_by_id(btf, id)) {
		printf(" [%d] %s '%s'", id,
		       btf_kind(t) == BTF_KIND_TYPEDEF ? "TYPEDEF"
		       : btf_kind(t) == BTF_KIND_INT   ? "INT"
						       : "OTHER",
		       btf__name_by_offset(btf, t->name_off) ?: "");
		if (btf_kind(t) != BTF_KIND_TYPEDEF) {
			if (btf_kind(t) == BTF_KIND_INT)
				printf(" size=%u", t->size);
			break;
		}
		printf(" ->");
		id = t->type;
	}
	printf("\n");
	return 0;
}

/* Apply -p and -M: the LoadAndAssign step, done by hand. */
static int select_parts(struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int i;

	for (i = 0; i < nr_only; i++)
		if (!bpf_object__find_program_by_name(obj, only_progs[i]))
			return lesson_error("no program '%s' in %s", only_progs[i], object_path);
	for (i = 0; i < nr_skip; i++)
		if (!bpf_object__find_map_by_name(obj, skip_maps[i]))
			return lesson_error("no map '%s' in %s", skip_maps[i], object_path);
	if (nr_only)
		bpf_object__for_each_program (prog, obj)
			bpf_program__set_autoload(
				prog, picked(bpf_program__name(prog), only_progs, nr_only));
	bpf_object__for_each_map (map, obj)
		if (picked(bpf_map__name(map), skip_maps, nr_skip))
			bpf_map__set_autocreate(map, false);
	return 0;
}

/* After load: the kernel's ids, the ones `bpftool prog/map show` prints. */
static void show_loaded(struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	int nprogs = 0, nmaps = 0;

	bpf_object__for_each_program (prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0) {
			printf("program %-16s not loaded\n", bpf_program__name(prog));
			continue;
		}
		bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len);
		printf("program %-16s loaded, id %u\n", bpf_program__name(prog), info.id);
		nprogs++;
	}
	bpf_object__for_each_map (map, obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		/* libbpf >= 1.2 gives uncreated maps a placeholder fd. */
		if (!bpf_map__autocreate(map) || bpf_map__fd(map) < 0) {
			printf("map     %-16s not created\n", bpf_map__name(map));
			continue;
		}
		bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len);
		printf("map     %-16s created, id %u\n", bpf_map__name(map), info.id);
		nmaps++;
	}
	printf("Loaded %d programs and %d maps. Ctrl-C to unload.\n", nprogs, nmaps);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (!object_path[0] && default_object())
		return 1;
	if (access(object_path, R_OK))
		return lesson_error("cannot read '%s': %s", object_path, strerror(errno));

	/* LoadCollectionSpec: parse the ELF; nothing reaches the kernel yet. */
	obj = bpf_object__open_file(object_path, NULL);
	if (!obj)
		return lesson_fail(-errno, "opening %s", object_path);
	err = select_parts(obj);
	if (err)
		goto cleanup;
	printf("Object %s (name '%s')\n", object_path, bpf_object__name(obj));
	list_object(obj);
	err = show_btf_type(obj, type_name);
	if (err || list_only)
		goto cleanup;

	err = lesson_check_root();
	if (err)
		goto cleanup;
	/* NewCollection: create the maps, relocate, let the verifier check each program. */
	err = bpf_object__load(obj);
	if (err) {
		err = lesson_fail(err, "loading %s", object_path);
		goto cleanup;
	}
	show_loaded(obj);
	while (!lesson_should_stop())
		usleep(100 * 1000);

cleanup:
	/* Closing the object closes every fd: the kernel frees what nothing else holds. */
	bpf_object__close(obj);
	return err;
}
