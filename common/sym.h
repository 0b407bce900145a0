/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Address -> symbol, for the stacks that profile and memleak read out of a
 * BPF_MAP_TYPE_STACK_TRACE map.  Kernel addresses come from /proc/kallsyms;
 * user addresses from the ELF symbol tables of the files mapped into the
 * process, through elfutils' libdwfl (which understands PIE, shared
 * libraries, prelink bias, the vDSO and separate debug files).
 *
 * A loader that calls these links with LDLIBS += -ldw -lelf.
 */
#ifndef LESSON_SYM_H
#define LESSON_SYM_H

#include <stddef.h>
#include <sys/types.h>

struct lesson_syms;

/*
 * pid 0: the kernel's symbols.  Otherwise the modules mapped into PID right
 * now (/proc/PID/maps): a later dlopen() needs a new object.  NULL with errno
 * set when the process is gone (or, for pid 0, kallsyms is unreadable).
 */
struct lesson_syms *lesson_syms_new(pid_t pid);
void lesson_syms_free(struct lesson_syms *syms);

struct lesson_sym {
	const char *name;     /* NULL: no symbol covers the address */
	unsigned long offset; /* address - symbol start */
	const char *module;   /* "leaky", "libc.so.6", "[ext4]"; NULL if none */
};

/* Fills *sym; returns 0, or -1 when no symbol covers addr. */
int lesson_syms_lookup(struct lesson_syms *syms, unsigned long addr, struct lesson_sym *sym);

/*
 * Just the function name, what a folded stack wants ("busy_loop"); for an
 * address in a module without a symbol "[module]", else "[unknown]".
 */
const char *lesson_syms_name(struct lesson_syms *syms, unsigned long addr, char *buf, size_t len);

/* "name+0x1a [module]", what a report line wants; "0x7f.. [module]" when unknown. */
const char *lesson_syms_format(struct lesson_syms *syms, unsigned long addr, char *buf, size_t len);

#endif
