/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What ops.exit records for the loader (a global in .bss). */
#ifndef LESSON_SCHED_EXT_H
#define LESSON_SCHED_EXT_H

#define EXIT_REASON_LEN 128
#define EXIT_MSG_LEN	1024

struct exit_record {
	long long kind; /* enum scx_exit_kind; written last: 0 = still running */
	long long exit_code;
	char reason[EXIT_REASON_LEN];
	char msg[EXIT_MSG_LEN];
};

#endif
