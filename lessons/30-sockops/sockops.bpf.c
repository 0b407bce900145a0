// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 30: two programs around one SOCKHASH.
 *
 * sockops_add (sockops, on a cgroup v2) runs at TCP events of the sockets
 * of the cgroup's processes.  When a connection between two loopback
 * addresses is established it stores the socket in sock_hash, keyed by its
 * 4-tuple as seen from that socket.  Both ends of a connection are added:
 * the connecting one (active) and the accepted one (passive).
 *
 * sk_msg_redir (sk_msg, attached to the map) runs for every sendmsg() on a
 * socket in the map.  It looks the peer up by the reversed 4-tuple and
 * moves the data straight onto the peer socket's receive queue
 * (BPF_F_INGRESS): no skb, no TCP segments, no lo transmit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "sockops.h"

#define AF_INET 2

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, __u64); /* user space would see a socket cookie */
} sock_hash SEC(".maps");

/* Counters, read by the loader through the skeleton's mmap-ed .bss. */
__u64 sockets_added;
__u64 add_failed;
__u64 msgs_redirected;
__u64 bytes_redirected;
__u64 msgs_passed;

static __always_inline bool is_loopback(__u32 ip4)
{
	return (bpf_ntohl(ip4) >> 24) == 127;
}

SEC("sockops")
int sockops_add(struct bpf_sock_ops *skops)
{
	struct sock_key key = {};

	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (skops->family != AF_INET || !is_loopback(skops->local_ip4) ||
	    !is_loopback(skops->remote_ip4))
		return 1;

	key.sip = skops->local_ip4;
	key.dip = skops->remote_ip4;
	key.sport = skops->local_port;		   /* host order already */
	key.dport = bpf_ntohl(skops->remote_port); /* network order, in a u32 */
	if (bpf_sock_hash_update(skops, &sock_hash, &key, BPF_NOEXIST))
		__sync_fetch_and_add(&add_failed, 1);
	else
		__sync_fetch_and_add(&sockets_added, 1);
	return 1;
}

SEC("sk_msg")
int sk_msg_redir(struct sk_msg_md *msg)
{
	/* The peer's key is this socket's 4-tuple reversed. */
	struct sock_key peer = {
		.sip = msg->remote_ip4,
		.dip = msg->local_ip4,
		.sport = bpf_ntohl(msg->remote_port),
		.dport = msg->local_port,
	};
	__u32 size = msg->size;

	/*
	 * The helper returns SK_DROP when the peer is not in the map (its
	 * process is outside the cgroup): then let the data take the normal
	 * TCP path instead of dropping it.
	 */
	if (bpf_msg_redirect_hash(msg, &sock_hash, &peer, BPF_F_INGRESS) == SK_PASS) {
		__sync_fetch_and_add(&msgs_redirected, 1);
		__sync_fetch_and_add(&bytes_redirected, size);
	} else {
		__sync_fetch_and_add(&msgs_passed, 1);
	}
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
