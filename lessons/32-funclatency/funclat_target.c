// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The program lesson 32 traces.  funclat_target [-w] N MS calls nap(MS),
 * which sleeps MS milliseconds with nanosleep(), N times.  -w: print
 * "ready PID" and wait for a line on stdin first (time to attach with -p).
 * Prints how long each call took by its own clock ("nap NS"): a probe's
 * entry and return lie inside that window, so its time is at most this.
 *
 * funclat_target [-w] N MS DEPTH (the exercise): N calls of dive(DEPTH, MS),
 * a recursion DEPTH calls deep, each call napping MS before going deeper.
 * Each dive() call's time by its caller's clock is one "dive NS" line,
 * innermost first: the call K levels from the bottom lasts at least K * MS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "workload.h"

/* noinline: a function the compiler folded into main has no entry to probe. */
__attribute__((noinline)) int nap(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	/* Never returns early unless a signal interrupts it. */
	return nanosleep(&ts, NULL);
}

static long long ns_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000000LL + (t1.tv_nsec - t0->tv_nsec);
}

/* Recursive on purpose: one thread is inside several dive() calls at once. */
__attribute__((noinline)) void dive(long depth, long ms)
{
	struct timespec t0;

	nap(ms);
	if (depth > 1) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		dive(depth - 1, ms);
		printf("dive %lld\n", ns_since(&t0));
	}
}

int main(int argc, char **argv)
{
	struct timespec t0;
	long n = -1, ms = -1, depth = 0, i;
	char line[16];

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	if (argc == 3 || argc == 4) {
		n = workload_number(argv[1]);
		ms = workload_number(argv[2]);
		if (argc == 4)
			depth = workload_number(argv[3]);
	}
	if ((argc != 3 && argc != 4) || n < 0 || ms < 0 || depth < 0) {
		fprintf(stderr, "usage: funclat_target [-w] N MS [DEPTH]\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (depth) {
			dive(depth, ms);
			printf("dive %lld\n", ns_since(&t0));
		} else {
			nap(ms);
			printf("nap %lld\n", ns_since(&t0));
		}
	}
	return 0;
}
