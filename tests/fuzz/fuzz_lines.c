// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * trace_pipe's line splitter: any bytes, cut into reads anywhere.  The first
 * byte picks the read size.  Every line handed out is a C string shorter
 * than the buffer, without a newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static void check(const char *line, void *ctx)
{
	size_t n = strlen(line);

	if (n >= sizeof(((struct lesson_lines *)0)->line) || memchr(line, '\n', n))
		abort();
	(*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lesson_lines l;
	size_t step, lines = 0, newlines = 0, i;

	if (!size)
		return 0;
	step = data[0] % 64 + 1;
	l.used = 0;
	for (i = 1; i < size; i += step)
		lesson_lines_feed(&l, (const char *)data + i, size - i < step ? size - i : step,
				  check, &lines);
	for (i = 1; i < size; i++)
		newlines += data[i] == '\n';
	if (lines != newlines)
		abort();
	return 0;
}
