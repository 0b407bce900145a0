// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A BPF LSM program: the kernel asks every LSM whether a connect() may go
 * ahead (security_socket_connect), and ours answers -EPERM when the IPv4
 * destination is the one address the loader was given.  Unlike a tracing
 * program, the return value here is a decision the kernel acts on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "lsm_connect.h"

#define AF_INET 2
#define EPERM	1

/* The address to refuse, network byte order; set by the loader (-a). */
const volatile __u32 blocked_addr = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

__u64 dropped = 0;

/*
 * Arguments of the hook (include/linux/lsm_hook_defs.h), then ret: what
 * the LSMs before us decided.  A refusal there stands.
 */
SEC("lsm/socket_connect")
int BPF_PROG(lsm_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)address;
	struct event *e;

	if (ret)
		return ret;
	/* addrlen comes from user space: the kernel checked nothing yet. */
	if (addrlen < (int)sizeof(*sin) || address->sa_family != AF_INET)
		return 0;
	if (sin->sin_addr.s_addr != blocked_addr)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->daddr = sin->sin_addr.s_addr;
		e->dport = bpf_ntohs(sin->sin_port);
		e->type = sock->type; /* BTF-typed pointer: a direct read */
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	} else {
		__sync_fetch_and_add(&dropped, 1);
	}
	return -EPERM;
}

char LICENSE[] SEC("license") = "GPL";
