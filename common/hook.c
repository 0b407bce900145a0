// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Hook selection by probing: see hook.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "feature.h"
#include "hook.h"

/* Does every feature mode i needs work?  why: the first that does not. */
static bool hook_works(const char *const modes[], const char *const probes[], int i, char *why,
		       size_t len)
{
	const char *p = probes && probes[i] ? probes[i] : modes[i];
	char name[64];
	size_t n;

	while (*p) {
		n = strcspn(p, " ");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (feature_probe(name, why, len) != FEATURE_SUPPORTED)
			return false;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return true;
}

int lesson_hook_choose(const char *const modes[], int mode, const char *const probes[],
		       const char *const labels[])
{
	char why[256], note[768] = "";
	size_t used = 0;
	int last = 0, h;

	if (mode != 0) {
		if (!hook_works(modes, probes, mode, note, sizeof(note))) {
			lesson_error("%s mode unavailable: %s", modes[mode], note);
			return -1;
		}
		return mode;
	}
	while (modes[last + 1])
		last++;
	/* Every hook skipped adds "X unavailable (why)": one line tells it all. */
	for (h = 1; h < last; h++) {
		if (hook_works(modes, probes, h, why, sizeof(why)))
			break;
		used += snprintf(note + used, sizeof(note) - used, "%s%s unavailable (%s)",
				 used ? "; " : "", modes[h], why);
		if (used >= sizeof(note))
			used = sizeof(note) - 1;
	}
	if (note[0])
		lesson_error("%s: using %s", note, labels && labels[h] ? labels[h] : modes[h]);
	return h;
}

void lesson_unlink_retarget(struct bpf_program *prog)
{
	if (bpf_program__type(prog) == BPF_PROG_TYPE_TRACING)
		bpf_program__set_attach_target(prog, 0, feature_unlink_func());
	else if (bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE)
		bpf_program__set_autoattach(prog, false);
}

int lesson_unlink_kprobe(struct bpf_program *prog, struct bpf_link **link)
{
	bool ret = !strncmp(bpf_program__section_name(prog), "kretprobe/", 10);

	*link = bpf_program__attach_kprobe(prog, ret, feature_unlink_func());
	return *link ? 0 : -errno;
}
