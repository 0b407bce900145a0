// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 03 loader: no skeleton.  Open a .bpf.o by path, show what is in it
 * (programs, maps, global variables, a BTF type), set globals, choose what to
 * load, load it, and keep it loaded until Ctrl-C so bpftool can look at the
 * result.  -k walks a struct in the kernel's own BTF.
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
static const char *kernel_type;		  /* -k: a struct in vmlinux BTF */
static struct global_set {
	const char *name;
	long value;
	bool found;
} globals[MAX_PICKS]; /* -g NAME=VALUE */
static int nr_only, nr_skip, nr_globals;
static bool list_only;

static const struct argp_option opts[] = {
	{ "object", 'o', "FILE", 0,
	  "BPF object to open (default: loading.bpf.o beside this binary)" },
	{ "prog", 'p', "NAME", 0, "Load only this program (repeat for more)" },
	{ "no-map", 'M', "NAME", 0, "Do not create this map (repeat for more)" },
	{ "type", 't', "NAME", 0, "BTF type to look up in the object (default: __u64)" },
	{ "kernel-type", 'k', "STRUCT", 0,
	  "Also walk this struct (or union) in the kernel's BTF (/sys/kernel/btf/vmlinux)" },
	{ "global", 'g', "NAME=VALUE", 0,
	  "Set this global variable (.rodata/.data/.bss) before load (repeat for more)" },
	{ "list", 'l', NULL, 0, "Only list the object's contents; load nothing" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'o':
		if (strlen(arg) >= sizeof(object_path)) {
			argp_error(state, "invalid object path '%s': longer than %zu bytes", arg,
				   sizeof(object_path) - 1);
			return EINVAL; /* not reached: argp_error() exits */
		}
		strcpy(object_path, arg);
		break;
	case 'p':
	case 'M':
		if ((key == 'p' ? nr_only : nr_skip) == MAX_PICKS) {
			argp_error(state, "invalid %s '%s': at most %d -%c options",
				   key == 'p' ? "program" : "map", arg, MAX_PICKS, key);
			return EINVAL;
		}
		if (key == 'p')
			only_progs[nr_only++] = arg;
		else
			skip_maps[nr_skip++] = arg;
		break;
	case 't':
		type_name = arg;
		break;
	case 'k':
		kernel_type = arg;
		break;
	case 'g': {
		char *eq = strchr(arg, '=');

		if (!eq || eq == arg) {
			argp_error(state, "invalid global '%s': want NAME=VALUE", arg);
			return EINVAL;
		}
		if (nr_globals == MAX_PICKS) {
			argp_error(state, "invalid global '%s': at most %d -g options", arg,
				   MAX_PICKS);
			return EINVAL;
		}
		globals[nr_globals].value =
			lesson_arg_long(state, eq + 1, "global value", LONG_MIN, LONG_MAX);
		*eq = '\0';
		globals[nr_globals++].name = arg;
		break;
	}
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
	       "Example: loading -p xdp_pass -M counts    (one program, one map)\n"
	       "         loading -l -g step=5 -k iphdr    (a global; a kernel struct)",
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

static const char *kind_name(const struct btf_type *t)
{
	static const char *const names[] = {
		[BTF_KIND_INT] = "INT",
		[BTF_KIND_PTR] = "PTR",
		[BTF_KIND_ARRAY] = "ARRAY",
		[BTF_KIND_STRUCT] = "STRUCT",
		[BTF_KIND_UNION] = "UNION",
		[BTF_KIND_ENUM] = "ENUM",
		[BTF_KIND_FWD] = "FWD",
		[BTF_KIND_TYPEDEF] = "TYPEDEF",
		[BTF_KIND_VOLATILE] = "VOLATILE",
		[BTF_KIND_CONST] = "CONST",
		[BTF_KIND_RESTRICT] = "RESTRICT",
		[BTF_KIND_FUNC] = "FUNC",
		[BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
		[BTF_KIND_VAR] = "VAR",
		[BTF_KIND_DATASEC] = "DATASEC",
		[BTF_KIND_FLOAT] = "FLOAT",
	};
	unsigned int k = btf_kind(t);

	return k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "OTHER";
}

static const char *type_name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	return name && name[0] ? name : "(anon)";
}

/*
 * What a member's type means, typedefs and qualifiers resolved one hop at
 * a time (btf.UnderlyingType() does all hops at once):
 * "__be16 -> __u16 -> unsigned short".
 */
static void print_type_chain(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	for (;;) {
		t = btf__type_by_id(btf, id);
		if (!id || !t) {
			printf("void");
			return;
		}
		/* A forward declaration says struct or union in its kind flag. */
		if (btf_is_composite(t) || btf_is_any_enum(t) || btf_is_fwd(t)) {
			printf("%s %s",
			       btf_is_any_enum(t)				    ? "enum"
			       : btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t)) ? "union"
										    : "struct",
			       type_name_of(btf, t));
			return;
		}
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
			printf("%s -> ", type_name_of(btf, t));
			id = t->type;
			continue;
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			printf("%s -> ", btf_kind(t) == BTF_KIND_CONST	    ? "const"
					 : btf_kind(t) == BTF_KIND_VOLATILE ? "volatile"
									    : "restrict");
			id = t->type;
			continue;
		case BTF_KIND_PTR:
			printf("pointer");
			return;
		case BTF_KIND_ARRAY:
			printf("array");
			return;
		case BTF_KIND_FUNC_PROTO:
			printf("function");
			return;
		default: /* INT, FLOAT, newer kinds: the name says it */
			printf("%s", type_name_of(btf, t));
			return;
		}
	}
}

/*
 * spec.AnyTypeByName(name) / spec.TypeByName(name, &s): find it, follow
 * typedefs to what it means; a struct or union gets its members, with byte
 * offsets and, for bitfields, "bit:width" (btf.Member.Offset, .BitfieldSize).
 */
static void print_btf_type(const struct btf *btf, const char *what, const char *name, int id)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int i;

	printf("%s '%s':", what, name);
	for (t = btf__type_by_id(btf, id); t; t = btf__type_by_id(btf, id)) {
		printf(" [%d] %s '%s'", id, kind_name(t),
		       btf__name_by_offset(btf, t->name_off) ?: "");
		if (btf_kind(t) != BTF_KIND_TYPEDEF)
			break;
		printf(" ->");
		id = t->type;
	}
	if (!t) {
		printf("\n");
		return;
	}
	if (btf_is_int(t))
		printf(" size=%u", t->size);
	if (!btf_is_composite(t)) {
		printf("\n");
		return;
	}
	printf(" size=%u vlen=%u\n", t->size, btf_vlen(t));
	printf("  %6s %-5s %-24s %s\n", "OFFSET", "BITS", "MEMBER", "TYPE");
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		__u32 off = btf_member_bit_offset(t, i), width = btf_member_bitfield_size(t, i);
		char bits[16] = "-";

		if (width)
			snprintf(bits, sizeof(bits), "%u:%u", off % 8, width);
		printf("  %6u %-5s %-24s ", off / 8, bits,
		       btf__name_by_offset(btf, m->name_off)[0]
			       ? btf__name_by_offset(btf, m->name_off)
			       : "(anon)");
		print_type_chain(btf, m->type);
		printf("\n");
	}
}

/* The object's own BTF, from the opened (not yet loaded) object. */
static int show_btf_type(struct bpf_object *obj, const char *name)
{
	const struct btf *btf = bpf_object__btf(obj);
	int id;

	if (!btf)
		return lesson_error("%s has no BTF (was it built with clang -g?)", object_path);
	id = btf__find_by_name(btf, name);
	if (id < 0)
		return lesson_error("no BTF type named '%s' in %s", name, object_path);
	print_btf_type(btf, "BTF type", name, id);
	return 0;
}

/* btf.LoadKernelSpec(): the running kernel's types, the ones CO-RE relocates against. */
static int show_kernel_type(const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id, err = 0;

	if (!vmlinux)
		return lesson_fail(-errno, "loading the kernel's BTF");
	/* A name can be a struct and a typedef at once: ask for the kind. */
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_STRUCT);
	if (id < 0)
		id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_UNION);
	if (id < 0)
		err = lesson_error("no struct or union '%s' in the kernel's BTF", name);
	else
		print_btf_type(vmlinux, "Kernel BTF type", name, id);
	btf__free(vmlinux);
	return err;
}

/*
 * A global's value in the section's bytes (integers of 1-8 bytes), as the
 * program sees it: signed or not as its BTF type says, so a __u64 set to -1
 * prints as 18446744073709551615, like bpftool shows it.
 */
static bool print_int(const void *at, __u32 size, bool is_signed)
{
	__u64 u;
	__s64 s;

	switch (size) {
	case 1:
		u = *(const __u8 *)at;
		s = (__s8)u;
		break;
	case 2:
		u = *(const __u16 *)at;
		s = (__s16)u;
		break;
	case 4:
		u = *(const __u32 *)at;
		s = (__s32)u;
		break;
	case 8:
		u = *(const __u64 *)at;
		s = (__s64)u;
		break;
	default:
		return false;
	}
	if (is_signed)
		printf("%lld\n", (long long)s);
	else
		printf("%llu\n", (unsigned long long)u);
	return true;
}

/* Is this variable's type (under its typedefs and const/volatile) a signed integer? */
static bool var_is_signed(const struct btf *btf, __u32 var_id)
{
	int id = btf__resolve_type(btf, var_id);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);

	if (t && btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	/* An enum's kind flag means signed (clang 15+ sets it). */
	if (t && (btf_is_enum(t) || btf_is_enum64(t)))
		return btf_kflag(t);
	return true;
}

static bool write_int(void *at, __u32 size, long value)
{
	__s8 v8 = value;
	__s16 v16 = value;
	__s32 v32 = value;

	switch (size) {
	case 1:
		memcpy(at, &v8, 1);
		return value >= -128 && value <= 255;
	case 2:
		memcpy(at, &v16, 2);
		return value >= -32768 && value <= 65535;
	case 4:
		memcpy(at, &v32, 4);
		return value >= -2147483648L && value <= 4294967295L;
	case 8:
		memcpy(at, &value, 8);
		return true;
	}
	return false;
}

/*
 * spec.Variables: every global lives in a DATASEC (".rodata", ".data",
 * ".bss", ".data.NAME") at an offset the object's BTF records; libbpf made
 * one array map per section, whose bytes before load are
 * bpf_map__initial_value().  cb() is called for each variable with an
 * internal map; a non-zero return stops the walk.
 */
typedef int (*global_cb)(struct bpf_map *map, const char *sec, const char *name,
			 const struct btf_var_secinfo *vs, void *ctx);

static int for_each_global(struct bpf_object *obj, global_cb cb, void *ctx)
{
	const struct btf *btf = bpf_object__btf(obj);
	int id, i, n = btf ? (int)btf__type_cnt(btf) : 0, ret;

	for (id = 1; id < n; id++) {
		const struct btf_type *sec = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs;
		const char *sec_name;
		struct bpf_map *map;

		if (!btf_is_datasec(sec))
			continue;
		sec_name = btf__name_by_offset(btf, sec->name_off);
		/* A leading '.' looks up an internal map by its section; .maps, license have none. */
		map = sec_name[0] == '.' ? bpf_object__find_map_by_name(obj, sec_name) : NULL;
		if (!map || !bpf_map__is_internal(map))
			continue;
		for (i = 0, vs = btf_var_secinfos(sec); i < btf_vlen(sec); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);

			ret = cb(map, sec_name, btf__name_by_offset(btf, var->name_off), vs, ctx);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int list_one_global(struct bpf_map *map, const char *sec, const char *name,
			   const struct btf_var_secinfo *vs, void *ctx)
{
	size_t size;
	const char *bytes = bpf_map__initial_value(map, &size);
	const struct btf *btf = ctx;

	printf("%-16s %-14s %6u %4u ", name, sec, vs->offset, vs->size);
	if (!bytes || vs->offset + vs->size > size ||
	    !print_int(bytes + vs->offset, vs->size, var_is_signed(btf, vs->type)))
		printf("-\n");
	return 0;
}

static void list_globals(struct bpf_object *obj)
{
	printf("%-16s %-14s %6s %4s %s\n", "GLOBAL", "SECTION", "OFFSET", "SIZE", "VALUE");
	/* cb's ctx: the BTF, for each variable's signedness. */
	for_each_global(obj, list_one_global, (void *)bpf_object__btf(obj));
}

/* Variables["name"].Set(v) without a skeleton: copy the section, patch, hand it back. */
static int set_one_global(struct bpf_map *map, const char *sec, const char *name,
			  const struct btf_var_secinfo *vs, void *ctx)
{
	struct global_set *g = ctx;
	long value = g->value;
	size_t size;
	const void *cur;
	char *bytes;
	int err;

	if (strcmp(name, g->name) != 0)
		return 0;
	g->found = true;
	cur = bpf_map__initial_value(map, &size);
	if (!cur || vs->offset + vs->size > size)
		return lesson_error("global '%s' has no initial value to set", name);
	bytes = malloc(size);
	if (!bytes)
		return lesson_error("out of memory");
	memcpy(bytes, cur, size);
	if (!write_int(bytes + vs->offset, vs->size, value)) {
		free(bytes);
		return lesson_error("global '%s' (%u bytes in %s): cannot hold %ld", name, vs->size,
				    sec, value);
	}
	err = bpf_map__set_initial_value(map, bytes, size);
	free(bytes);
	if (err)
		return lesson_fail(err, "setting global '%s'", name);
	printf("Set global '%s' (%s, map %s, offset %u, %u bytes) to %ld before load\n", name, sec,
	       bpf_map__name(map), vs->offset, vs->size, value);
	return -1; /* done: stop the walk */
}

static int set_globals(struct bpf_object *obj)
{
	int i;

	for (i = 0; i < nr_globals; i++) {
		/* > 0: an error was reported; < 0: found and set. */
		if (for_each_global(obj, set_one_global, &globals[i]) > 0)
			return 1;
		if (!globals[i].found)
			return lesson_error("no global variable '%s' in %s", globals[i].name,
					    object_path);
	}
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
	err = set_globals(obj);
	if (err)
		goto cleanup;
	printf("Object %s (name '%s')\n", object_path, bpf_object__name(obj));
	list_object(obj);
	list_globals(obj);
	err = show_btf_type(obj, type_name);
	if (!err && kernel_type)
		err = show_kernel_type(kernel_type);
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
