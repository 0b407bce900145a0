// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 17 loader: attach the two irq tracepoints, then read the per-CPU
 * stats map, add up the CPUs and print one table per interval (-i) or one
 * at the end (Ctrl-C or -d).
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
#include "hardirqs.h"
#include "hardirqs.skel.h"

#define MAX_ROWS 256 /* = max_entries of the stats map */

static int interval; /* seconds; 0 = one table at exit */

static const struct argp_option opts[] = {
	{ "interval", 'i', "SECONDS", 0,
	  "Print (and reset) the table every SECONDS (default: once, at exit)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'i')
		return ARGP_ERR_UNKNOWN;
	interval = (int)lesson_arg_long(state, arg, "interval", 1, INT_MAX);
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Count hard IRQ handlers and the time spent in them.\v"
	       "Examples:\n"
	       "  hardirqs -i 1        a table every second\n"
	       "  hardirqs -d 10       one table after 10 seconds",
	.children = lesson_argp_children,
};

struct row {
	struct irq_key key;
	struct irq_stat sum;
};

static int by_time_desc(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->sum.total_ns != y->sum.total_ns)
		return x->sum.total_ns < y->sum.total_ns ? 1 : -1;
	return x->key.irq - y->key.irq;
}

/* Sum every key over all CPUs, print sorted by time, then empty the map. */
static int print_table(int fd, int ncpus)
{
	struct irq_stat *vals = calloc(ncpus, sizeof(*vals));
	static struct row rows[MAX_ROWS];
	struct irq_key key, next, *prev = NULL;
	int n = 0, i, c, err = 0;
	char ts[16];
	time_t now;

	if (!vals)
		return lesson_error("out of memory");
	/* Walk the keys: get_next_key(NULL) gives the first. */
	while (n < MAX_ROWS && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		/* A per-CPU map returns one value per possible CPU. */
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue; /* deleted meanwhile */
		rows[n].key = key;
		memset(&rows[n].sum, 0, sizeof(rows[n].sum));
		for (c = 0; c < ncpus; c++) {
			rows[n].sum.count += vals[c].count;
			rows[n].sum.total_ns += vals[c].total_ns;
		}
		n++;
	}
	/* Reset for the next interval; deleting while walking would skip keys. */
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &rows[i].key);
	free(vals);

	qsort(rows, n, sizeof(rows[0]), by_time_desc);
	if (interval) {
		now = time(NULL);
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		printf("\n%s\n", ts);
	}
	printf("%-4s %-32s %10s %12s %10s\n", "IRQ", "HANDLER", "COUNT", "TOTAL_usecs",
	       "AVG_nsecs");
	for (i = 0; i < n; i++)
		printf("%-4d %-32s %10llu %12llu %10llu\n", rows[i].key.irq, rows[i].key.name,
		       rows[i].sum.count, rows[i].sum.total_ns / 1000,
		       rows[i].sum.count ? rows[i].sum.total_ns / rows[i].sum.count : 0);
	if (!n)
		printf("(no hard IRQ handlers ran)\n");
	return err;
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	struct hardirqs_bpf *skel;
	struct timespec last, now;
	int err, ncpus, fd;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return lesson_fail(ncpus, "counting possible CPUs");

	skel = hardirqs_bpf__open_and_load();
	if (!skel)
		return lesson_fail(-errno, "loading BPF object");
	err = hardirqs_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching to irq/irq_handler_entry and irq_handler_exit");
		goto cleanup;
	}
	fd = bpf_map__fd(skel->maps.stats);

	if (interval)
		printf("Tracing hard IRQ handlers, a table every %d s. Ctrl-C to stop.\n",
		       interval);
	else
		printf("Tracing hard IRQ handlers, table at exit. Ctrl-C to stop.\n");

	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!lesson_should_stop()) {
		usleep(100 * 1000); /* short naps: Ctrl-C and -d stay prompt */
		if (!interval)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ms_between(&last, &now) < interval * 1000L)
			continue;
		last = now;
		err = print_table(fd, ncpus);
		if (err)
			goto cleanup;
	}
	/* The only table without -i; with -i the last partial interval. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!interval || lesson_exiting || ms_between(&last, &now) >= 500)
		err = print_table(fd, ncpus);
	/* A handler whose entry or exit run was skipped is not in the table. */
	lesson_report_misses(skel->obj);

cleanup:
	hardirqs_bpf__destroy(skel);
	return err;
}
