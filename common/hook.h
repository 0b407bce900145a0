/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Hook selection by probing, for loaders with a fallback chain such as
 * fentry -> kprobe -> tracepoint and an -m auto|MODE... option (lessons 21,
 * 22, 40, 41; the same shape as 09/10).  The kernel is asked with
 * feature_probe() (a real load and attach), never by its version.  Which
 * programs to autoload for the chosen hook stays in the lesson.
 */
#ifndef LESSON_HOOK_H
#define LESSON_HOOK_H

/*
 * modes: the -m words, NULL-terminated (what lesson_arg_choice takes):
 * modes[0] is "auto", then the hooks best first; the last is the fallback
 * auto takes without probing it.  mode: the index -m chose.
 * probes (NULL: the words themselves): per mode, the feature_probe() names
 * the hook needs, space-separated ("fentry fexit"); every one must work.
 * labels (NULL: the words): per mode, what auto says it is using.
 *
 * auto: the hooks before the last are probed in turn and the first that
 * works is taken; when any was skipped, one stderr line says which and why:
 *	name: fentry unavailable (why); kprobe unavailable (why): using LABEL
 * A named mode is probed; if it does not work: "name: MODE mode
 * unavailable: why" and -1 (exit 1).  Returns the chosen mode's index.
 */
int lesson_hook_choose(const char *const modes[], int mode, const char *const probes[],
		       const char *const labels[]);

/*
 * Lessons 09 and 10 hook the kernel function behind unlink(2), named in their
 * sections as do_unlinkat, by the name this kernel uses for it
 * (feature_unlink_func(): filename_unlinkat in newer kernels).
 * lesson_unlink_retarget(prog), before load: an fentry/fexit program gets
 * that name as its attach target; a kprobe/kretprobe is left out of the
 * skeleton's attach.  lesson_unlink_kprobe(prog, &skel->links.X), after the
 * skeleton's attach: attaches the kprobe, its link stored where the
 * skeleton's destroy finds it; 0 or -errno.
 */
struct bpf_program;
struct bpf_link;
void lesson_unlink_retarget(struct bpf_program *prog);
int lesson_unlink_kprobe(struct bpf_program *prog, struct bpf_link **link);

#endif
