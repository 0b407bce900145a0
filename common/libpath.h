/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Which shared library file to put a uprobe on.  A uprobe lives on an
 * inode, so it must be the very file the traced processes map: the one a
 * process has mapped, or the one the dynamic linker would pick.
 */
#ifndef LESSON_LIBPATH_H
#define LESSON_LIBPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The first file mapped into PID whose name starts with one of PREFIXES
 * (NULL-terminated), from /proc/PID/maps.  One outside our mount namespace
 * (a container's) is named through /proc/PID/root.
 */
bool lesson_lib_of_pid(pid_t pid, const char *const prefixes[], char *path, size_t len);

/*
 * The system's SONAME ("libc.so.6") built for our own architecture: as the
 * dynamic linker's cache lists it (ldconfig -p), else in the usual places.
 * Returns how it was found ("from ldconfig -p", "default path"), or NULL.
 */
const char *lesson_lib_of_system(const char *soname, char *path, size_t len);

#endif
