// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The kernel-mode workload for lesson 24.  `pipes K` prints "ready" and
 * waits for SIGUSR1; then hold_pipes() opens K pipes (each makes the kernel
 * kmalloc() a pipe_inode_info and its buffer array in alloc_pipe_info()),
 * prints "holding K pipes" and waits again; the next SIGUSR1 closes them all
 * (the last close kfree()s both), prints "closed" and waits for a last
 * SIGUSR1 to exit.  Every step is one the test (or you) let happen.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

#define MAX_PIPES 4096

static int fds[MAX_PIPES][2];

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(1);
}

__attribute__((noinline)) int hold_pipes(int k)
{
	for (int i = 0; i < k; i++)
		if (pipe(fds[i]))
			return -1;
	return 0;
}

__attribute__((noinline)) void close_pipes(int k)
{
	for (int i = 0; i < k; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
}

int main(int argc, char **argv)
{
	long k = argc == 2 ? workload_number(argv[1]) : -1;
	int sig;
	char line[64];
	sigset_t set;

	if (k < 1 || k > MAX_PIPES) {
		say("usage: pipes K (1..4096)\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	say("ready\n");
	sigwait(&set, &sig);
	if (hold_pipes(k)) {
		say("pipe: too many open files? (ulimit -n)\n");
		return 1;
	}
	snprintf(line, sizeof(line), "holding %ld pipes\n", k);
	say(line);
	sigwait(&set, &sig);
	close_pipes(k);
	say("closed\n");
	sigwait(&set, &sig);
	return 0;
}
