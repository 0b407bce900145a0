// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The program lesson 36 traces.  uret_target N calls, for i = 0..N-1,
 *   int answer(int i)		returns 7 * i - 10
 *   long wide(long i)		returns -(i << 33) - 1
 *   const char *word(int i)	returns "alpha", "beta", "gamma", ...
 * and prints each value it got back, the oracle the tests compare with.
 * -w: print "ready PID" and wait for a line on stdin first.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

static const char *const words[] = { "alpha", "beta", "gamma", "delta" };

/* noinline: an inlined function has no return to probe. */
__attribute__((noinline)) int answer(int i)
{
	return 7 * i - 10;
}

__attribute__((noinline)) long wide(long i)
{
	return -(i << 33) - 1;
}

__attribute__((noinline)) const char *word(int i)
{
	return words[i % 4];
}

int main(int argc, char **argv)
{
	char line[16];
	long n;
	int i;

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	n = argc > 1 ? workload_number(argv[1]) : 3;
	if (n < 0 || n > INT_MAX) {
		fprintf(stderr, "usage: uret_target [-w] [N]\n");
		return 2;
	}

	for (i = 0; i < n; i++) {
		printf("answer %d\n", answer(i));
		printf("wide %ld\n", wide(i));
		printf("word %s\n", word(i));
	}
	return 0;
}
