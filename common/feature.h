/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Kernel feature probes.  One source of truth: loaders, `featprobe`,
 * tools/doctor and the bats skip logic all ask these functions, and every
 * answer comes from asking the kernel (load, attach, create), never from a
 * version number.
 */
#ifndef LESSON_FEATURE_H
#define LESSON_FEATURE_H

#include <stddef.h>

enum feature_verdict {
	FEATURE_SUPPORTED = 0,
	FEATURE_UNSUPPORTED = 1,
	FEATURE_INCONCLUSIVE = 2, /* the probe itself failed, e.g. not root */
};

/* NULL-terminated list of the names feature_probe() understands. */
extern const char *const feature_names[];

/*
 * Probe one feature by name.  why (may be NULL) receives a one-line reason
 * for anything but FEATURE_SUPPORTED.  Unknown names are inconclusive.
 */
enum feature_verdict feature_probe(const char *name, char *why, size_t len);

const char *feature_verdict_str(enum feature_verdict v);

#endif
