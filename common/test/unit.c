// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

int unit_failures;

/* Read both pipes to the end (a child may fill one while we wait on the other). */
static void drain(int out, int err, struct captured *c)
{
	size_t used[2] = { 0, 0 };
	char *buf[2] = { c->out, c->err };
	struct pollfd p[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	int open_fds = 2, i;

	while (open_fds) {
		if (poll(p, 2, -1) < 0)
			break;
		for (i = 0; i < 2; i++) {
			char tmp[4096];
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, tmp, sizeof(tmp));
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			if ((size_t)n > sizeof(c->out) - 1 - used[i])
				n = (ssize_t)(sizeof(c->out) - 1 - used[i]);
			memcpy(buf[i] + used[i], tmp, (size_t)n);
			used[i] += (size_t)n;
		}
	}
	c->out[used[0]] = '\0';
	c->err[used[1]] = '\0';
}

void capture(struct captured *c, void (*fn)(void *), void *arg, const char *stdin_text)
{
	int out[2], err[2], in[2], status;
	pid_t pid;

	fflush(NULL);
	if (pipe(out) || pipe(err) || pipe(in))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0)
		abort();
	close(in[1]);
	drain(out[0], err[0], c);
	waitpid(pid, &status, 0);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int unit_done(const char *name)
{
	printf("%s: %s (%d failed checks)\n", name, unit_failures ? "FAIL" : "ok", unit_failures);
	return unit_failures ? 1 : 0;
}
