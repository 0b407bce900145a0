// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * TLS plaintext, read where it is still plain: at libssl's API.
 *
 * SSL_write(ssl, buf, num) gets the plaintext in buf at ENTRY; SSL_read(ssl,
 * buf, num) fills buf and only at RETURN do we know how much (its return
 * value, or *readbytes for the OpenSSL 1.1.1+ _ex variants).  So one uprobe
 * at entry remembers buf (and the _ex count pointer) per thread, and a
 * uretprobe per function reads the bytes once the call has returned.  The
 * same return-time read serves writes too: by then we also know how many
 * bytes SSL_write really took.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "sslsniff.h"

const volatile char filter_comm[TASK_COMM_LEN] = {}; /* "": every process */
const volatile __u32 capture = MAX_DATA;	     /* -s: bytes of each call to copy */

/* Read by user space through the skeleton's .bss at exit. */
__u64 dropped; /* ring buffer full: events lost */
__u64 missed;  /* calls map full: those calls are not reported */

/* What the entry saw, until the same thread returns. */
struct call {
	__u64 buf;    /* the caller's buffer */
	__u64 nbytes; /* _ex only: where libssl stores the byte count */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64); /* pid_tgid: one call in flight per thread */
	__type(value, struct call);
} calls SEC(".maps");

/* struct event is 8 KiB: far too big for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

static __always_inline bool comm_allowed(void)
{
	char comm[TASK_COMM_LEN];
	int i;

	if (!filter_comm[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/*
 * Attached to all four functions: SSL_read/SSL_write(ssl, buf, int num) and
 * SSL_read_ex/SSL_write_ex(ssl, buf, size_t num, size_t *count).  For the
 * first two the 4th argument register holds garbage; their exits ignore it.
 * BPF_KPROBE: uprobes read their arguments from the same pt_regs.
 */
SEC("uprobe")
int BPF_KPROBE(ssl_rw_enter, void *ssl, void *buf, __u64 num, size_t *count)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct call c = { .buf = (__u64)buf, .nbytes = (__u64)count };

	if (!comm_allowed())
		return 0;
	if (bpf_map_update_elem(&calls, &id, &c, BPF_ANY))
		__sync_fetch_and_add(&missed, 1);
	return 0;
}

static __always_inline int rw_exit(struct pt_regs *ctx, enum ssl_func func)
{
	__u64 id = bpf_get_current_pid_tgid(), done = 0, n;
	int ret = (int)PT_REGS_RC(ctx); /* all four return int */
	struct call *c;
	struct event *e;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&calls, &id);
	if (!c)
		return 0; /* entered before we attached, or filtered out */

	if (func == F_SSL_READ_EX || func == F_SSL_WRITE_EX) {
		/* 1 = success, and the count is in *count (a size_t). */
		if (ret != 1 || bpf_probe_read_user(&done, sizeof(done), (void *)c->nbytes))
			goto out;
	} else if (ret > 0) {
		done = ret; /* <= 0: nothing moved (error, or "retry") */
	}
	if (!done)
		goto out;

	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto out;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->len = done;
	e->func = func;
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	n = done < capture ? done : capture;
	if (n > MAX_DATA) /* a bound the verifier can see */
		n = MAX_DATA;
	/* For SSL_read the bytes exist only now, after the call. */
	e->read_err = bpf_probe_read_user(e->data, n, (void *)c->buf);
	if (e->read_err)
		n = 0;
	e->captured = n;
	/* A copy of the header and the captured bytes only, not all 8 KiB. */
	if (bpf_ringbuf_output(&events, e, offsetof(struct event, data) + n, 0))
		__sync_fetch_and_add(&dropped, 1);
out:
	bpf_map_delete_elem(&calls, &id);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_read_exit)
{
	return rw_exit(ctx, F_SSL_READ);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_write_exit)
{
	return rw_exit(ctx, F_SSL_WRITE);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_read_ex_exit)
{
	return rw_exit(ctx, F_SSL_READ_EX);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_write_ex_exit)
{
	return rw_exit(ctx, F_SSL_WRITE_EX);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
