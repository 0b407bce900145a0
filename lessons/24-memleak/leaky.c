// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The test workload for lesson 24.  `leaky K S [wait]`:
 *   leak_blocks()   leaks K blocks of S bytes (malloc)
 *   leak_calloc()   leaks 2 blocks of calloc(3, 333) = 999 bytes
 *   leak_realloc()  leaks 1 block malloc(100) grown by realloc to 5000 bytes
 *   churn()         mallocs, callocs and reallocs 100 blocks and frees them all
 * With "wait": first leaks early_leak() (3 x 777 bytes), prints "ready" and
 * waits for SIGUSR1 before the rest, then prints "leaked" and sleeps until
 * killed, so a tracer attached in between (-p) sees only the later ones.
 * Output uses write(2): stdio would malloc a buffer of its own.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

static void *kept[4096];
static int nr_kept;

static void keep(void *p)
{
	if (nr_kept < (int)(sizeof(kept) / sizeof(kept[0])))
		kept[nr_kept++] = p;
}

/* Leaking is this program's job: the analyzer need not say so. */
/* NOLINTBEGIN(clang-analyzer-unix.Malloc) */
__attribute__((noinline)) void early_leak(void)
{
	for (int i = 0; i < 3; i++)
		keep(malloc(777));
}

__attribute__((noinline)) void leak_blocks(int k, size_t size)
{
	for (int i = 0; i < k; i++) {
		char *p = malloc(size);

		if (p)
			memset(p, 0xab, size);
		keep(p);
	}
}

__attribute__((noinline)) void leak_calloc(void)
{
	for (int i = 0; i < 2; i++)
		keep(calloc(3, 333));
}

__attribute__((noinline)) void leak_realloc(void)
{
	char *p = malloc(100);

	keep(realloc(p, 5000));
}
/* NOLINTEND(clang-analyzer-unix.Malloc) */

__attribute__((noinline)) void churn(int n)
{
	for (int i = 0; i < n; i++) {
		char *a = malloc(4096 + i), *b = calloc(1, 64), *c = malloc(10);

		c = realloc(c, 20000);
		free(a);
		free(b);
		free(c);
	}
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(1);
}

int main(int argc, char **argv)
{
	long k = argc > 1 ? workload_number(argv[1]) : 10;
	long size = argc > 2 ? workload_number(argv[2]) : 1024;
	int wait = argc > 3 && !strcmp(argv[3], "wait");
	sigset_t set;
	int sig;

	if (k < 0 || k > INT_MAX || size <= 0) {
		say("usage: leaky K SIZE [wait]\n");
		return 2;
	}
	if (wait) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		early_leak();
		say("ready\n");
		sigwait(&set, &sig);
	}
	leak_blocks(k, size);
	leak_calloc();
	leak_realloc();
	churn(100);
	say("leaked\n");
	if (wait)
		for (;;) /* until killed */
			pause();
	return 0;
}
