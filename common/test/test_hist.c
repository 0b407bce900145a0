// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* lesson_print_log2_hist: the bcc-style table, checked line by line. */
#include <stdlib.h>
#include "helpers.h"
#include "unit.h"

struct hist {
	const __u32 *vals;
	int n;
};

static void print(void *p)
{
	struct hist *h = p;

	lesson_print_log2_hist(h->vals, h->n, "usecs");
}

static struct captured c;

static void hist(const __u32 *vals, int n)
{
	struct hist h = { vals, n };

	memset(&c, 0, sizeof(c));
	capture(&c, print, &h, NULL);
	CHECK(c.status == 0);
	CHECK(c.err[0] == '\0');
}

int main(void)
{
	__u32 none[4] = {}, some[6] = { 0, 0, 2, 0, 4, 0 }, first[2] = { 3, 0 };
	__u32 top[64] = {}, big[3] = { 0xffffffffu, 1, 0 };

	hist(none, 4);
	CHECK_STR(c.out, "(no samples)\n");
	hist(none, 0);
	CHECK_STR(c.out, "(no samples)\n");

	/*
	 * From the first non-empty slot to the last; empty slots in between are
	 * printed; the fullest gets 40 stars, the others their share.
	 */
	hist(some, 6);
	CHECK_STR(
		c.out,
		"            usecs          : count    distribution\n"
		"                   4 -> 7                    : 2        |********************                    |\n"
		"                   8 -> 15                   : 0        |                                        |\n"
		"                  16 -> 31                   : 4        |****************************************|\n");

	/* Slot 0 is [0, 1]: zero has no log2. */
	hist(first, 2);
	CHECK_STR(
		c.out,
		"            usecs          : count    distribution\n"
		"                   0 -> 1                    : 3        |****************************************|\n");

	/* The last of 64 slots: its upper bound is 2^64 - 1 (no 1 << 64). */
	top[63] = 1;
	hist(top, 64);
	CHECK(strstr(c.out, "9223372036854775808 -> 18446744073709551615 : 1") != NULL);

	/* Counts near 2^32 must not overflow the star arithmetic. */
	hist(big, 3);
	CHECK(strstr(c.out, ": 4294967295 |****************************************|") != NULL);
	CHECK(strstr(c.out, ": 1        |                                        |") != NULL);

	return unit_done("test_hist");
}
