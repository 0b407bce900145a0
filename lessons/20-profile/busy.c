// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The test workload for lesson 20: spin in burn_cpu() for SECONDS (default 5)
 * so that function is on top of almost every sample of this process.
 * Built with -O0 -fno-omit-frame-pointer: the kernel unwinds user stacks
 * by following frame pointers.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

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
	int seconds = argc > 1 ? atoi(argv[1]) : 5;

	signal(SIGALRM, on_alarm);
	alarm(seconds > 0 ? seconds : 5);
	burn_cpu();
	return 0;
}
