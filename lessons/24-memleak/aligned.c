// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The exercise's workload for lesson 24 (exercise.bats): `aligned K S`
 * leaks K blocks of S bytes from posix_memalign() in leak_aligned(), makes
 * one call that fails (alignment 24: EINVAL, *memptr untouched) in
 * bad_aligned(), and frees the 100 blocks churn_aligned() takes.
 */
#include <errno.h>
#include <stdlib.h>
#include "workload.h"

static void *kept[64];
static int nr_kept;

__attribute__((noinline)) void leak_aligned(int k, size_t size)
{
	for (int i = 0; i < k && nr_kept < 64; i++)
		if (!posix_memalign(&kept[nr_kept], 64, size))
			nr_kept++;
}

__attribute__((noinline)) int bad_aligned(void)
{
	void *p = kept[0];

	return posix_memalign(&p, 24, 100) == EINVAL && p == kept[0];
}

__attribute__((noinline)) void churn_aligned(int n)
{
	for (int i = 0; i < n; i++) {
		void *p;

		if (!posix_memalign(&p, 4096, 2000 + i))
			free(p);
	}
}

int main(int argc, char **argv)
{
	long k = argc == 3 ? workload_number(argv[1]) : -1;
	long size = argc == 3 ? workload_number(argv[2]) : -1;

	if (k < 0 || k > 64 || size < 0)
		return 2;
	leak_aligned((int)k, (size_t)size);
	if (!bad_aligned())
		return 3;
	churn_aligned(100);
	return 0;
}
