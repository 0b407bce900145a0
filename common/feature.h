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
#include <linux/bpf.h>

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

/*
 * feature_probe() also takes parametrised names (not listed in feature_names):
 *	prog_type:TYPE		e.g. prog_type:xdp
 *	map_type:TYPE		e.g. map_type:ringbuf
 *	helper:TYPE:HELPER	e.g. helper:xdp:bpf_redirect
 * TYPE is libbpf's name (libbpf_bpf_prog_type_str / _map_type_str).
 *
 * The same probes by value.  They wrap libbpf_probe_bpf_*() and make its
 * three outcomes explicit: > 0 supported, 0 unsupported, < 0 the probe
 * itself failed (inconclusive, why names the errno).  libbpf counts every
 * refused load or map creation as "unsupported", EPERM included, so these
 * probes answer inconclusive (EPERM) when we lack CAP_BPF.
 */
enum feature_verdict feature_probe_prog_type(enum bpf_prog_type type, char *why, size_t len);
enum feature_verdict feature_probe_map_type(enum bpf_map_type type, char *why, size_t len);
enum feature_verdict feature_probe_helper(enum bpf_prog_type type, enum bpf_func_id helper,
					  char *why, size_t len);

/*
 * The kernel function unlink(2) and unlinkat(2) end in, which the kprobe and
 * fentry probes (and lessons 09, 10) hook: do_unlinkat(int dfd, struct
 * filename *name), called filename_unlinkat (same arguments) in newer
 * kernels (Debian's 7.2).  Looked up in the kernel's BTF; "do_unlinkat"
 * when BTF has neither.
 */
const char *feature_unlink_func(void);

/* Names <-> values; -1 when unknown.  Helper names are "bpf_map_lookup_elem". */
int feature_prog_type_by_name(const char *name);
int feature_map_type_by_name(const char *name);
int feature_helper_by_name(const char *name);
/* NULL past the last helper this build knows (from <linux/bpf.h>). */
const char *feature_helper_name(int helper);

#endif
