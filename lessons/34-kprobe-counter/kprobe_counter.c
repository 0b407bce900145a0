// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 34 loader: count execve() calls with a kprobe (or the syscall
 * tracepoint where this kernel has no kprobes) and print the count once a
 * second.  --percpu counts in a PERCPU_ARRAY and sums the CPUs' slots here;
 * --pin keeps the counter map in bpffs so the next run continues the count.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "feature.h"
#include "pin.h"
#include "kprobe_counter.skel.h"

#define PIN_DIR "/sys/fs/bpf/kprobe_counter"

enum mode { MODE_AUTO, MODE_KPROBE, MODE_TRACEPOINT };
static const char *const mode_names[] = { "auto", "kprobe", "tracepoint", NULL };

enum { OPT_PERCPU = 1000, OPT_PIN, OPT_UNPIN };

static struct {
	enum mode mode;
	const char *comm;
	bool percpu, pin, unpin;
} opt;

/* What --unpin removes: whichever of the two maps a --pin run left. */
static const char *const pins[] = { "exec_count", "exec_count_percpu" };

static const struct argp_option opts[] = {
	{ "mode", 'm', "MODE", 0, "auto (default), kprobe or tracepoint" },
	{ "comm", 'c', "COMM", 0, "Only count execve() called by processes named COMM" },
	{ "percpu", OPT_PERCPU, NULL, 0, "Count in a PERCPU_ARRAY, summed in user space" },
	{ "pin", OPT_PIN, NULL, 0, "Pin the counter map in " PIN_DIR ": the next run continues" },
	{ "unpin", OPT_UNPIN, NULL, 0, "Remove the pinned maps and exit" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'm':
		opt.mode = lesson_arg_choice(state, arg, "mode", mode_names);
		break;
	case 'c':
		if (!*arg || strlen(arg) > 15)
			argp_error(state, "invalid COMM '%s': names are 1 to 15 characters", arg);
		opt.comm = arg;
		break;
	case OPT_PERCPU:
		opt.percpu = true;
		break;
	case OPT_PIN:
		opt.pin = true;
		break;
	case OPT_UNPIN:
		opt.unpin = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count execve() calls with a kprobe (ksyscall/execve), or the "
	       "sys_enter_execve tracepoint where kprobes are missing.\v"
	       "Examples:\n"
	       "  kprobe_counter                 count every execve()\n"
	       "  kprobe_counter --percpu -c sh  one slot per CPU, only callers named sh\n"
	       "  kprobe_counter --pin           keep the count in bpffs across runs\n"
	       "  kprobe_counter --unpin         remove it",
	.children = lesson_argp_children,
};

/* The count: one value, or (PERCPU_ARRAY) one value per possible CPU. */
static int read_count(struct bpf_map *map, __u64 *total, char *percpu, size_t len)
{
	int ncpus = libbpf_num_possible_cpus(), i, err;
	__u32 key = 0;
	size_t used = 0;

	if (!opt.percpu)
		return bpf_map__lookup_elem(map, &key, sizeof(key), total, sizeof(*total), 0);
	if (ncpus < 0)
		return ncpus;
	{
		/* The kernel copies out every possible CPU's slot, 8-byte aligned. */
		__u64 vals[ncpus];

		/* (valgrind counts only one slot as written by the lookup) */
		memset(vals, 0, sizeof(vals));
		err = bpf_map__lookup_elem(map, &key, sizeof(key), vals, sizeof(vals), 0);
		if (err)
			return err;
		*total = 0;
		percpu[0] = '\0';
		for (i = 0; i < ncpus; i++) {
			*total += vals[i];
			if (vals[i] && used < len)
				used += snprintf(percpu + used, len - used, " cpu%d=%llu", i,
						 (unsigned long long)vals[i]);
		}
	}
	return 0;
}

static int print_count(struct bpf_map *map)
{
	char percpu[512] = "";
	__u64 total = 0;
	int err;

	err = read_count(map, &total, percpu, sizeof(percpu));
	if (err)
		return lesson_fail(err, "reading %s", bpf_map__name(map));
	printf("execve calls: %llu%s%s\n", (unsigned long long)total, percpu[0] ? " |" : "",
	       percpu);
	return 0;
}

int main(int argc, char **argv)
{
	struct kprobe_counter_bpf *skel = NULL;
	char why[256], pin_path[PATH_MAX];
	bool use_kprobe = false, was_pinned = false;
	struct bpf_map *map;
	int err, ticks = 0;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (opt.unpin)
		return lesson_unpin(PIN_DIR, pins, sizeof(pins) / sizeof(pins[0]));

	/* Pick a path by asking the kernel, not by reading its version. */
	if (opt.mode != MODE_TRACEPOINT) {
		use_kprobe = feature_probe("kprobe", why, sizeof(why)) == FEATURE_SUPPORTED;
		if (!use_kprobe && opt.mode == MODE_KPROBE)
			return lesson_error("kprobe mode unavailable: %s", why);
		if (!use_kprobe)
			fprintf(stderr,
				"kprobe_counter: kprobes unavailable (%s): "
				"falling back to the syscalls/sys_enter_execve tracepoint\n",
				why);
	}

	skel = kprobe_counter_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	if (opt.comm)
		strncpy((char *)skel->rodata->comm_filter, opt.comm,
			sizeof(skel->rodata->comm_filter) - 1);
	skel->rodata->use_percpu = opt.percpu;
	bpf_program__set_autoload(skel->progs.execve_kprobe, use_kprobe);
	bpf_program__set_autoload(skel->progs.execve_tp, !use_kprobe);
	map = opt.percpu ? skel->maps.exec_count_percpu : skel->maps.exec_count;

	if (opt.pin) {
		if (lesson_ensure_bpffs() || lesson_pin_dir_prepare(PIN_DIR)) {
			err = 1;
			goto cleanup;
		}
		lesson_pin_path(pin_path, sizeof(pin_path), PIN_DIR, bpf_map__name(map));
		was_pinned = access(pin_path, F_OK) == 0;
		/*
		 * At load, libbpf opens a map already pinned here (after checking
		 * type, sizes and flags match) instead of creating one; otherwise
		 * it creates the map and pins it.  ebpf-go: CollectionOptions'
		 * Maps.PinPath with the map's Pinning set to PinByName.
		 */
		err = bpf_map__set_pin_path(map, pin_path);
		if (err) {
			err = lesson_fail(err, "setting pin path %s", pin_path);
			goto cleanup;
		}
	}

	err = kprobe_counter_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = kprobe_counter_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching %s",
				  use_kprobe ? "ksyscall/execve" : "syscalls/sys_enter_execve");
		goto cleanup;
	}

	if (opt.pin)
		printf("Map %s: %s %s\n", bpf_map__name(map),
		       was_pinned ? "reused pin" : "created and pinned", pin_path);
	printf("Counting execve()%s%s with %s in a%s map. Ctrl-C to stop.\n",
	       opt.comm ? " by " : "", opt.comm ?: "",
	       use_kprobe ? "a kprobe (ksyscall/execve)" : "the sys_enter_execve tracepoint",
	       opt.percpu ? " PERCPU_ARRAY" : "n ARRAY");
	err = print_count(map);
	while (!err && !lesson_should_stop()) {
		usleep(100 * 1000);
		if (++ticks % 10 == 0)
			err = print_count(map);
	}
	/* The last word: what the map holds as we stop. */
	if (!err)
		err = print_count(map);

cleanup:
	/* The pin (if any) stays: it holds the map for the next --pin run. */
	kprobe_counter_bpf__destroy(skel);
	return err;
}
