// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test workload: fork, and exec /bin/true with string literals the child
 * never touched.  Their page is not in the child's memory yet, so the BPF
 * program cannot read them (it may not fault pages in).
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", "lesson14-a", "lesson14-b", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
