// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Every command line typed into an interactive bash: a uretprobe on
 * readline(), the function bash calls to read one line from the terminal.
 * Its return value is a pointer, in the shell's memory, to the line.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "uprobe_bashreadline.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/*
 * No target in the section name: the loader attaches it with
 * bpf_program__attach_uprobe_opts(), choosing the binary (-b) and the
 * process (-p) at run time.  char *readline(const char *prompt)
 */
SEC("uretprobe")
int BPF_KRETPROBE(bash_readline, const char *ret)
{
	struct event *e;

	if (!ret)
		return 0; /* NULL: end of input (Ctrl-D), nothing typed */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* A user-space pointer: read it with the _user_ helper. */
	bpf_probe_read_user_str(e->line, sizeof(e->line), ret);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
