// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The program lesson 23 traces.  usdt_target [-w] [COUNT [WORD]] fires
 *   lesson:tick(i, -i, (unsigned char)i)	for i = 1..COUNT (default 3)
 *   lesson:word(WORD, strlen(WORD))	once (default "hello")
 * -w: print "ready PID" and wait for a line on stdin first, so a tracer can
 * attach to this PID before anything fires.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sdt.h>
#include "workload.h"

int main(int argc, char **argv)
{
	const char *word = "hello";
	long count = 3, i;
	char line[16];

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	if (argc > 1)
		count = workload_number(argv[1]);
	if (count < 0) {
		fprintf(stderr, "usage: usdt_target [-w] [COUNT [WORD]]\n");
		return 2;
	}
	if (argc > 2)
		word = argv[2];
	for (i = 1; i <= count; i++) {
		/* Three sizes and signs: the note records each as 8, -8 and 1 bytes. */
		unsigned char low = (unsigned char)i;

		DTRACE_PROBE3(lesson, tick, i, -i, low);
	}
	DTRACE_PROBE2(lesson, word, word, (int)strlen(word));
	printf("fired %ld ticks and word '%s'\n", count, word);
	return 0;
}
