// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The test workload for lesson 20: spin in burn_cpu() for SECONDS (default 5)
 * so that function is on top of almost every sample of this process.
 * Built with -O0 -fno-omit-frame-pointer: the kernel unwinds user stacks
 * by following frame pointers.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "workload.h"

static volatile sig_atomic_t done;
volatile unsigned long spins;

static void on_alarm(int sig)
{
	done = 1;
}

/* No calls inside the loop: every sample lands in this very function. */
__attribute__((noinline)) void burn_cpu(void)
{
	while (!done)
		spins++;
}

int main(int argc, char **argv)
{
	long seconds = argc > 1 ? workload_number(argv[1]) : 5;

	if (seconds < 1 || seconds > INT_MAX) {
		fprintf(stderr, "usage: busy [SECONDS]\n");
		return 2;
	}
	signal(SIGALRM, on_alarm);
	alarm(seconds);
	burn_cpu();
	return 0;
}
