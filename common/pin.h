/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * bpffs pin directories: the part of a pinning loader (lessons 07, 08) that
 * is the same in every such loader -- make the directory and prove it is on
 * bpffs, build pin paths, remove the pins for --unpin -- and the object ids
 * those loaders print to show a pin kept the same kernel object alive.
 */
#ifndef LESSON_PIN_H
#define LESSON_PIN_H

#include <stddef.h>
#include <linux/types.h>

/* "DIR/NAME" into buf: one place builds every pin path. */
void lesson_pin_path(char *buf, size_t len, const char *dir, const char *name);

/*
 * Create dir (0700) unless it exists and check it is on a bpffs mount: a pin
 * anywhere else fails with a confusing error deep inside libbpf.  Call after
 * lesson_ensure_bpffs().  A dir we just created is removed again when it is
 * not on bpffs.  Returns 0, or 1 after printing one line.
 */
int lesson_pin_dir_prepare(const char *dir);

/*
 * --unpin: unlink DIR/names[i] (each unlink drops one reference; the last
 * frees the object), printing "Removed PATH" for each, then rmdir DIR.
 * Prints "Nothing pinned in DIR" when no pin was there.  Missing pins and a
 * missing DIR are fine.  Returns 0, or 1 after printing one line.
 */
int lesson_unpin(const char *dir, const char *const *names, size_t n);

/* The kernel's id of a program, map, link or BTF fd (as bpftool shows it); 0 on error. */
__u32 lesson_obj_id(int fd);

#endif
