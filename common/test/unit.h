/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A tiny unit-test harness for the helper library: CHECK() counts failures
 * and says where; capture() runs a function in a child process (argp_error
 * exits, the stream loops keep static state) and collects its exit status,
 * stdout and stderr.
 */
#ifndef LESSON_UNIT_H
#define LESSON_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failures;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			unit_failures++;                                                         \
		}                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                              \
	do {                                                                              \
		const char *g_ = (got), *w_ = (want);                                     \
		if (strcmp(g_, w_) != 0) {                                                \
			fprintf(stderr, "%s:%d: got  \"%s\"\n%*swant \"%s\"\n", __FILE__, \
				__LINE__, g_, (int)strlen(__FILE__) + 8, "", w_);         \
			unit_failures++;                                                  \
		}                                                                         \
	} while (0)

struct captured {
	int status; /* exit code, or 128 + signal */
	char out[1 << 18];
	char err[1 << 18];
};

/* Run fn(arg) in a child; its stdin is stdin_text (or /dev/null). */
void capture(struct captured *c, void (*fn)(void *), void *arg, const char *stdin_text);

/* 0 when every CHECK held; prints a summary line. */
int unit_done(const char *name);

#endif
