/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Per-disk counters, as both halves see them. */
#ifndef BIOPATTERN_H
#define BIOPATTERN_H

/* Value of the counters map; the key is the kernel's dev_t (major << 20 | minor). */
struct disk_counts {
	unsigned long long next_sector; /* where the last request ended */
	unsigned long long sequential;	/* started where the previous one ended */
	unsigned long long random;	/* started anywhere else (or was the first) */
	unsigned long long bytes;
};

#endif
