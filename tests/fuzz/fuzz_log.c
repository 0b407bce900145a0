// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libbpf's log as lesson_fail keeps and prints it: any messages (split at
 * 0xff bytes), with and without the verifier markers, however long.
 * Through the public API: the print callback lesson_init installed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "helpers.h"

static libbpf_print_fn_t print_fn;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_fn(LIBBPF_WARN, fmt, ap);
	va_end(ap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	char *copy, *p, *next;
	int saved;

	if (devnull < 0) {
		lesson_init("fuzz");
		print_fn = libbpf_set_print(NULL);
		libbpf_set_print(print_fn);
		devnull = open("/dev/null", O_WRONLY);
	}
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	/* Messages are C strings: each 0xff starts a new one; NULs end one early. */
	for (p = copy; p; p = next) {
		next = strchr(p, '\xff');
		if (next)
			*next++ = '\0';
		say("%s", p);
	}
	free(copy);
	fflush(stderr);
	saved = dup(2);
	dup2(devnull, 2);
	lesson_fail(-EINVAL, "fuzz");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return 0;
}
