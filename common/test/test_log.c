// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libbpf's messages are kept quietly and shown by lesson_fail: the verifier's
 * part in full when it fits, else its tail (where the verifier says why).
 * Driven through the public API: libbpf_set_print() hands back the callback
 * lesson_init() installed, and we feed it what libbpf would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include "helpers.h"
#include "unit.h"

static libbpf_print_fn_t print_fn;

static void say(enum libbpf_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}

static void setup(void)
{
	lesson_init("unit");
	print_fn = libbpf_set_print(NULL);
	libbpf_set_print(print_fn);
}

static void short_log(void *p)
{
	setup();
	say(LIBBPF_WARN, "libbpf: prog 'x': BPF program load failed: %s\n", "Permission denied");
	say(LIBBPF_DEBUG, "libbpf: debug noise that is never kept\n");
	say(LIBBPF_WARN, "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\n");
	say(LIBBPF_WARN, "0: R1=ctx() R10=fp0\n%s\n", "invalid mem access 'scalar'");
	say(LIBBPF_WARN, "-- END PROG LOAD LOG --\n");
	lesson_fail(-EACCES, "loading %s", "x");
}

/* 200 KiB of verifier lines, then the reason: only the tail can be kept. */
static void long_log(void *p)
{
	int i;

	setup();
	say(LIBBPF_WARN, "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\n");
	for (i = 0; i < 4000; i++)
		say(LIBBPF_WARN, "%d: (b7) r1 = %d ; R1_w=%d padding padding padding\n", i, i, i);
	say(LIBBPF_WARN, "the reason: back-edge from insn 3999 to 0\n");
	say(LIBBPF_WARN, "-- END PROG LOAD LOG --\n");
	lesson_fail(-EINVAL, "loading x");
}

/* One message larger than the whole buffer. */
static void huge_line(void *p)
{
	size_t n = (size_t)100 * 1024;
	char *s = malloc(n + 1);

	setup();
	memset(s, 'a', n);
	s[n] = '\0';
	say(LIBBPF_WARN, "%s", s);
	say(LIBBPF_WARN, "\nlast words\n-- END PROG LOAD LOG --\n");
	free(s);
	lesson_fail(-EINVAL, "loading y");
}

static void no_log(void *p)
{
	setup();
	lesson_fail(-EPERM, "loading z");
}

int main(void)
{
	static struct captured c;
	const char *tail;

	capture(&c, short_log, NULL, NULL);
	CHECK_STR(c.err, "unit: loading x: Permission denied\n"
			 "verifier log:\n"
			 "0: R1=ctx() R10=fp0\n"
			 "invalid mem access 'scalar'\n"
			 "(run with -v for libbpf's own messages)\n");
	CHECK(c.out[0] == '\0');

	capture(&c, long_log, NULL, NULL);
	CHECK(!strncmp(c.err, "unit: loading x: Invalid argument\nverifier log (last ", 52));
	CHECK(strstr(c.err, "3999: (b7) r1 = 3999") != NULL);
	CHECK(strstr(c.err, "the reason: back-edge from insn 3999 to 0\n") != NULL);
	/* The head went, whole lines at a time. */
	CHECK(strstr(c.err, "\n0: (b7) r1 = 0 ;") == NULL);
	tail = strstr(c.err, "bytes; -v prints all of it):\n");
	CHECK(tail && tail[29] >= '0' && tail[29] <= '9');
	CHECK(strlen(c.err) < (size_t)70 * 1024);

	capture(&c, huge_line, NULL, NULL);
	CHECK(strstr(c.err, "last words\n") != NULL);
	CHECK(c.status == 0);

	capture(&c, no_log, NULL, NULL);
	CHECK_STR(c.err, "unit: loading z: Operation not permitted\n"
			 "hint: not root, or this program type is not allowed on this kernel\n"
			 "(run with -v for libbpf's own messages)\n");
	return unit_done("test_log");
}
