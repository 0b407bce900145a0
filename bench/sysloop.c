// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sysloop: the workloads the bench traces, and the triggers it fires.
 *
 *   sysloop open N PATH [GAP_US]   N x openat(PATH) + close
 *   sysloop exec N [GAP_US] [ARG]  N x fork + execve(/bin/true ARG) + wait
 *   sysloop write N [GAP_US]       N x write(/dev/null, 1 byte)
 *   sysloop switch N               N pipe round trips between two processes
 *                                  (2N wakeups and context switches)
 *
 * N 0 means forever (a trigger).  GAP_US sleeps between iterations.  At the
 * end it prints "ns_per_op X" (wall time / N).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void gap(long us)
{
	if (us > 0)
		usleep(us);
}

static int do_switch(long n)
{
	int ab[2], ba[2];
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(ab[1]); /* else the read below never sees EOF */
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1)
			if (write(ba[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	close(ab[1]);
	waitpid(pid, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *kind;
	long n, gap_us = 0;
	double t0;

	if (argc < 3) {
		fprintf(stderr, "usage: sysloop open|exec|write|switch N [ARGS]\n");
		return 64;
	}
	kind = argv[1];
	n = atol(argv[2]);
	/* SYSLOOP_GATE_FD: wait for one byte first, so a tracer can start,
	 * knowing our PID, before we act. */
	if (getenv("SYSLOOP_GATE_FD")) {
		char c;
		int fd = atoi(getenv("SYSLOOP_GATE_FD"));

		if (read(fd, &c, 1) != 1)
			return 1;
		close(fd);
		unsetenv("SYSLOOP_GATE_FD");
	}
	t0 = now_ns();
	if (!strcmp(kind, "open")) {
		if (argc < 4)
			return 64;
		gap_us = argc > 4 ? atol(argv[4]) : 0;
		for (long i = 0; !n || i < n; i++) {
			int fd = open(argv[3], O_RDONLY);

			if (fd >= 0)
				close(fd);
			gap(gap_us);
		}
	} else if (!strcmp(kind, "exec")) {
		/*
		 * Copies on the stack: a forked child has page-table entries for
		 * its stack, but not yet for .rodata, and a BPF program at
		 * sys_enter_execve cannot fault pages in to read the strings.
		 */
		char path[] = "/bin/true", arg[256] = "";
		char *args[] = { path, argc > 4 ? arg : NULL, NULL };

		if (argc > 4)
			snprintf(arg, sizeof(arg), "%s", argv[4]);

		gap_us = argc > 3 ? atol(argv[3]) : 0;
		for (long i = 0; !n || i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execv(args[0], args);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, NULL, 0) < 0)
				return 1;
			gap(gap_us);
		}
	} else if (!strcmp(kind, "write")) {
		int fd = open("/dev/null", O_WRONLY);

		gap_us = argc > 3 ? atol(argv[3]) : 0;
		for (long i = 0; !n || i < n; i++) {
			if (write(fd, "x", 1) != 1)
				return 1;
			gap(gap_us);
		}
	} else if (!strcmp(kind, "switch")) {
		if (do_switch(n))
			return 1;
	} else {
		fprintf(stderr, "sysloop: invalid kind '%s': open, exec, write or switch\n", kind);
		return 64;
	}
	printf("ns_per_op %.1f\n", (now_ns() - t0) / n);
	return 0;
}
