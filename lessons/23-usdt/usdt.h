/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Records the USDT programs send to the loader. */
#ifndef USDT_H
#define USDT_H

#define MAX_ARGS 12 /* libbpf's BPF_USDT_MAX_ARG_CNT */
#define STR_LEN	 64

enum event_kind { EV_HIT, EV_GC };

struct event {
	__u32 kind; /* enum event_kind */
	__u32 pid;
	__u32 tid;
	__u32 probe;  /* EV_HIT: index of the probe on the command line (the cookie) */
	__s32 argc;   /* EV_HIT: how many arguments the probe site has */
	__u32 full;   /* EV_GC: gc__begin's argument, 1 for a full collection */
	__u32 str_ok; /* EV_HIT: str holds the string argument -s names */
	__u32 pad;
	__u64 duration_ns; /* EV_GC: from gc__begin to gc__end */
	__s64 args[MAX_ARGS];
	char str[STR_LEN]; /* the argument -s names, read as a string */
};

#endif
