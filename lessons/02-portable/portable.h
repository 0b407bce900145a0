/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared by portable.bpf.c and portable.c: one ring buffer record. */
#ifndef PORTABLE_H
#define PORTABLE_H

struct event {
	int pid;
	int ppid;
	char comm[16];
};

#endif
