// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 25 loader: every INTERVAL seconds print, per disk, how many of the
 * block requests completed since the last report were random or sequential.
 * The kernel half keeps running totals; this side remembers the previous
 * totals and prints the difference, so nothing is reset under the kernel's
 * feet.  A last report covers the time between the last interval and exit.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "biopattern.h"
#include "biopattern.skel.h"

/* The kernel's dev_t encoding (MKDEV in include/linux/kdev_t.h). */
#define KDEV(major, minor) (((major) << 20) | (minor))
#define KMAJOR(dev)	   ((dev) >> 20)
#define KMINOR(dev)	   ((dev) & ((1U << 20) - 1))

#define MAX_DISKS 256

static struct {
	const char *disk;
	unsigned int dev;
	long interval;
	bool timestamp;
} env = { .interval = 1 };

static const struct argp_option opts[] = {
	{ "disk", 'D', "DISK", 0, "Only this disk, e.g. sda or loop0 (default: all)" },
	{ "timestamp", 'T', NULL, 0, "Start each line with the time of day" },
	{},
};

/* /sys/block/NAME/dev holds "MAJOR:MINOR" for every whole disk. */
static error_t parse_disk(struct argp_state *state, const char *name)
{
	unsigned int major, minor;
	char path[PATH_MAX];
	FILE *f;
	int n;

	if (!*name || strchr(name, '/') || strlen(name) > NAME_MAX)
		argp_error(state, "invalid disk '%s': want a name from /sys/block", name);
	snprintf(path, sizeof(path), "/sys/block/%s/dev", name);
	f = fopen(path, "r");
	if (!f) {
		argp_error(state, "invalid disk '%s': no such disk in /sys/block", name);
		return EINVAL;
	}
	/* The kernel's own "MAJOR:MINOR" line. */
	/* NOLINTNEXTLINE(cert-err34-c) */
	n = fscanf(f, "%u:%u", &major, &minor);
	fclose(f);
	if (n != 2)
		argp_error(state, "invalid disk '%s': cannot read %s", name, path);
	env.dev = KDEV(major, minor);
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'D':
		env.disk = arg;
		return parse_disk(state, arg);
	case 'T':
		env.timestamp = true;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "invalid argument '%s': only one INTERVAL", arg);
		env.interval = lesson_arg_long(state, arg, "interval", 1, 3600);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "[INTERVAL]",
	.doc = "Show random vs sequential block I/O per disk, every INTERVAL seconds (1).\v"
	       "Examples:\n"
	       "  biopattern              every disk, every second\n"
	       "  biopattern -D sda 5     only sda, every 5 seconds\n"
	       "  biopattern -d 10        stop after 10 seconds",
	.children = lesson_argp_children,
};

/* "loop0" for 7:0: /sys/dev/block/7:0 links to .../block/loop0. */
static void disk_name(unsigned int dev, char *buf, size_t len)
{
	char path[64], target[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", KMAJOR(dev), KMINOR(dev));
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		slash = strrchr(target, '/');
		snprintf(buf, len, "%.*s", (int)len - 1, slash ? slash + 1 : target);
	} else {
		snprintf(buf, len, "%u:%u", KMAJOR(dev), KMINOR(dev));
	}
}

/* The totals at the previous report, per disk. */
static struct {
	unsigned int dev;
	struct disk_counts c;
} seen[MAX_DISKS];
static int nr_seen;

static struct disk_counts *previous(unsigned int dev)
{
	int i;

	for (i = 0; i < nr_seen; i++)
		if (seen[i].dev == dev)
			return &seen[i].c;
	if (nr_seen == MAX_DISKS)
		return NULL;
	seen[nr_seen].dev = dev;
	return &seen[nr_seen++].c;
}

static void report(int map_fd)
{
	unsigned int key, next, *prev_key = NULL;
	struct disk_counts now, *then;
	unsigned long long seq, rnd, total;
	char name[64], ts[16] = "";
	time_t t;

	if (env.timestamp) {
		t = time(NULL);
		strftime(ts, sizeof(ts), "%H:%M:%S ", localtime(&t));
	}
	while (bpf_map_get_next_key(map_fd, prev_key, &next) == 0) {
		key = next;
		prev_key = &key;
		if (bpf_map_lookup_elem(map_fd, &key, &now))
			continue;
		then = previous(key);
		if (!then)
			continue;
		seq = now.sequential - then->sequential;
		rnd = now.random - then->random;
		total = seq + rnd;
		if (total) {
			disk_name(key, name, sizeof(name));
			printf("%s%-10s %5llu %5llu %8llu %10llu\n", ts, name, rnd * 100 / total,
			       seq * 100 / total, total, (now.bytes - then->bytes) / 1024);
		}
		*then = now;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct biopattern_bpf *skel;
	struct timespec last, now;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	skel = biopattern_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_dev = env.dev;

	err = biopattern_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = biopattern_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to block/block_rq_complete");
		goto cleanup;
	}

	printf("Tracing block I/O patterns on %s every %ld s. Ctrl-C to stop.\n",
	       env.disk ?: "all disks", env.interval);
	printf("%s%-10s %5s %5s %8s %10s\n", env.timestamp ? "TIME     " : "", "DISK", "%RND",
	       "%SEQ", "COUNT", "KBYTES");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!lesson_should_stop()) {
		usleep(100000); /* short naps: Ctrl-C and -d act within 0.1 s */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - last.tv_sec >= env.interval) {
			report(bpf_map__fd(skel->maps.counts));
			last.tv_sec += env.interval;
		}
	}
	/* What completed since the last interval. */
	report(bpf_map__fd(skel->maps.counts));
	/* block_rq_complete fires in IRQ context, maybe inside another program. */
	lesson_report_misses(skel->obj);
	err = 0;

cleanup:
	biopattern_bpf__destroy(skel);
	return err;
}
