// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The program lesson 32 traces.  funclat_target [-w] N MS calls nap(MS),
 * which sleeps MS milliseconds with nanosleep(), N times.  -w: print
 * "ready PID" and wait for a line on stdin first (time to attach with -p).
 * Prints how long each call took by its own clock ("nap NS"): a probe's
 * entry and return lie inside that window, so its time is at most this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* noinline: a function the compiler folded into main has no entry to probe. */
__attribute__((noinline)) int nap(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	/* Never returns early unless a signal interrupts it. */
	return nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	char line[16];
	long n, ms, i;

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: funclat_target [-w] N MS\n");
		return 2;
	}
	n = atol(argv[1]);
	ms = atol(argv[2]);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		nap(ms);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("nap %lld\n",
		       (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
	}
	return 0;
}
