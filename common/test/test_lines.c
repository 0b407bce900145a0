// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * trace_pipe line handling: lesson_lines_feed splits what read() returns into
 * lines, however the reads cut them; lesson_stream_trace_pipe prints the
 * matching ones until -d ends it.
 */
#include <stdlib.h>
#include <unistd.h>
#include "helpers.h"
#include "unit.h"

static char got[16384];

static void collect(const char *line, void *ctx)
{
	int *n = ctx;

	(*n)++;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "[%s]", line);
}

static void stream(void *match)
{
	lesson_env.duration = 1;
	lesson_stream_trace_pipe(0, match);
}

int main(void)
{
	static struct lesson_lines l;
	static struct captured c;
	const char *text = "a-1 [000] hello\nb-2 [001] other\n\nc-3 [000] hello again\npartial";
	char *longline;
	size_t i;
	int n = 0;

	/* One byte at a time, or all at once: the same lines. */
	for (i = 0; text[i]; i++)
		lesson_lines_feed(&l, text + i, 1, collect, &n);
	CHECK(n == 4);
	CHECK_STR(got, "[a-1 [000] hello][b-2 [001] other][][c-3 [000] hello again]");
	got[0] = '\0';
	n = 0;
	/* The partial line waits for its end. */
	lesson_lines_feed(&l, " done\n", 6, collect, &n);
	CHECK(n == 1);
	CHECK_STR(got, "[partial done]");

	/* Longer than the buffer: cut to 4095 bytes, the next line intact. */
	longline = malloc(10001);
	memset(longline, 'x', 10000);
	longline[9999] = '\n';
	longline[10000] = '\0';
	got[0] = '\0';
	n = 0;
	lesson_lines_feed(&l, longline, 10000, collect, &n);
	lesson_lines_feed(&l, "next\n", 5, collect, &n);
	CHECK(n == 2);
	CHECK(strlen(got) == 4095 + 2 + 6);
	CHECK(!strcmp(got + strlen(got) - 6, "[next]"));
	free(longline);

	/* The stream: only lines with the match, the unfinished one not at all. */
	capture(&c, stream, "hello", text);
	CHECK_STR(c.out, "a-1 [000] hello\nc-3 [000] hello again\n");
	capture(&c, stream, NULL, text);
	CHECK_STR(c.out, "a-1 [000] hello\nb-2 [001] other\n\nc-3 [000] hello again\n");
	return unit_done("test_lines");
}
