// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Which library file to probe: the libc this very program maps, found in
 * its /proc/self/maps, must be the file the dynamic linker's cache names.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include "libpath.h"
#include "unit.h"

int main(void)
{
	static const char *const libc[] = { "libc.so", "libc-", NULL };
	static const char *const none[] = { "libnosuch", NULL };
	char mapped[PATH_MAX], sys[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	const char *how;

	CHECK(!lesson_lib_of_pid(getpid(), none, mapped, sizeof(mapped)));
	CHECK(!lesson_lib_of_pid(INT_MAX, libc, mapped, sizeof(mapped)));
	CHECK(lesson_lib_of_system("libnosuch.so.9", sys, sizeof(sys)) == NULL);

	how = lesson_lib_of_system("libc.so.6", sys, sizeof(sys));
	CHECK(how && (!strcmp(how, "from ldconfig -p") || !strcmp(how, "default path")));
	/* A static build maps no libc: then only the system's is known. */
	if (how && lesson_lib_of_pid(getpid(), libc, mapped, sizeof(mapped))) {
		CHECK(realpath(mapped, a) && realpath(sys, b));
		CHECK_STR(a, b);
	}
	return unit_done("test_libpath");
}
