/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * For the lessons' test workloads (small programs the tests trace, built on
 * their own without the helper library): reading their arguments.
 */
#ifndef LESSON_WORKLOAD_H
#define LESSON_WORKLOAD_H

#include <errno.h>
#include <stdlib.h>

/* A whole decimal number, else -1 (atoi would read "x" as 0). */
static inline long workload_number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return end == s || *end || errno ? -1 : v;
}

#endif
