/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Map layouts both halves agree on. */
#ifndef HARDIRQS_H
#define HARDIRQS_H

#define IRQ_NAME_LEN 32

/* One row of the table: an IRQ line and the handler that ran on it. */
struct irq_key {
	int irq;
	char name[IRQ_NAME_LEN];
};

struct irq_stat {
	unsigned long long count;
	unsigned long long total_ns;
};

#endif
