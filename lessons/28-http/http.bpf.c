// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Two ways to see HTTP.
 *
 * http_filter: a socket filter on a raw AF_PACKET socket.  It runs for every
 * frame the interface sends or receives and decides how much of it the
 * socket gets: everything (-1) for a TCP segment whose payload starts like an
 * HTTP request or status line, nothing (0) for the rest.  User space then
 * reads only those frames from the socket.
 *
 * The tracepoints: the buffers processes pass to read/recvfrom (checked on
 * exit, once the kernel filled them) and write/sendto (checked on entry).
 * A buffer that starts like HTTP goes to user space via a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "http.h"

#define ETH_HLEN    14
#define ETH_P_IP    0x0800
#define IPPROTO_TCP 6

/* "GET ", "POST", ..., "HTTP": the first 4 bytes of an HTTP/1.x message. */
static __always_inline bool looks_like_http(const char *p)
{
	__u32 w = (__u8)p[0] | (__u8)p[1] << 8 | (__u8)p[2] << 16 | (__u32)(__u8)p[3] << 24;

#define W(a, b, c, d) ((a) | (b) << 8 | (c) << 16 | (__u32)(d) << 24)
	return w == W('G', 'E', 'T', ' ') || w == W('P', 'O', 'S', 'T') ||
	       w == W('P', 'U', 'T', ' ') || w == W('H', 'E', 'A', 'D') ||
	       w == W('D', 'E', 'L', 'E') || w == W('P', 'A', 'T', 'C') ||
	       w == W('O', 'P', 'T', 'I') || w == W('H', 'T', 'T', 'P');
#undef W
}

SEC("socket")
int http_filter(struct __sk_buff *skb)
{
	__u8 ihl, doff, proto;
	__u16 h_proto, tot_len, frag;
	__u32 tcp, payload;
	char start[4];

	/* Socket filters read packet bytes through bpf_skb_load_bytes. */
	if (bpf_skb_load_bytes(skb, 12, &h_proto, 2) || h_proto != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ihl, 1) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1) || proto != IPPROTO_TCP)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 2, &tot_len, 2) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + 6, &frag, 2))
		return 0;
	/* A later fragment has no TCP header: its bytes are not a start. */
	if (bpf_ntohs(frag) & 0x1fff)
		return 0;
	tcp = ETH_HLEN + (ihl & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, tcp + 12, &doff, 1))
		return 0;
	payload = tcp + (doff >> 4) * 4;
	/* Pure ACKs, SYNs, FINs: no payload to look at. */
	if (payload + sizeof(start) > ETH_HLEN + (__u32)bpf_ntohs(tot_len))
		return 0;
	if (bpf_skb_load_bytes(skb, payload, start, sizeof(start)))
		return 0;
	return looks_like_http(start) ? -1 : 0;
}

/* Syscall mode. */
const volatile int target_pid = 0; /* 0: every process */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 dropped = 0;

/* Reads in flight: thread id -> the user buffer the kernel is filling. */
struct read_buf {
	__u64 buf;
	int call;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct read_buf);
} reads SEC(".maps");

static __always_inline bool wanted(void)
{
	return !target_pid || (int)(bpf_get_current_pid_tgid() >> 32) == target_pid;
}

/* buf holds len bytes of user memory (already written): report it if HTTP. */
static __always_inline void check_buf(const void *buf, long len, int call)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct http_event *e;
	char start[4];
	__u32 n;

	if (len < (long)sizeof(start) || bpf_probe_read_user(start, sizeof(start), buf))
		return;
	if (!looks_like_http(start))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return;
	}
	n = len < MAX_DATA ? len : MAX_DATA;
	e->copied = bpf_probe_read_user(e->data, n, buf) ? 0 : n;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->len = len;
	e->call = call;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void read_enter(struct trace_event_raw_sys_enter *ctx, int call)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct read_buf rb = { .buf = ctx->args[1], .call = call };

	if (wanted())
		bpf_map_update_elem(&reads, &tid, &rb, BPF_ANY);
}

static __always_inline void read_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct read_buf *rb;

	rb = bpf_map_lookup_elem(&reads, &tid);
	if (!rb)
		return;
	/* Only now, after the syscall, does the buffer hold the data. */
	check_buf((const void *)rb->buf, ctx->ret, rb->call);
	bpf_map_delete_elem(&reads, &tid);
}

SEC("tp/syscalls/sys_enter_read")
int read_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	read_enter(ctx, CALL_READ);
	return 0;
}

SEC("tp/syscalls/sys_exit_read")
int read_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	read_exit(ctx);
	return 0;
}

SEC("tp/syscalls/sys_enter_recvfrom")
int recvfrom_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	read_enter(ctx, CALL_RECVFROM);
	return 0;
}

SEC("tp/syscalls/sys_exit_recvfrom")
int recvfrom_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	read_exit(ctx);
	return 0;
}

/* write(fd, buf, count) and sendto(fd, buf, len, ...): the data is there on entry. */
SEC("tp/syscalls/sys_enter_write")
int write_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	if (wanted())
		check_buf((const void *)ctx->args[1], (long)ctx->args[2], CALL_WRITE);
	return 0;
}

SEC("tp/syscalls/sys_enter_sendto")
int sendto_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	if (wanted())
		check_buf((const void *)ctx->args[1], (long)ctx->args[2], CALL_SENDTO);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
