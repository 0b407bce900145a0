/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Network addresses as the TCP lessons print them (21, 22, 40, 41, 42):
 * an IPv4/IPv6 address from the bytes a BPF program copied out of a struct
 * sock, and the "SRC ADDR PORT -> DEST ADDR PORT RTT(ms)" table both ebpf-go
 * tcprtt examples print (lessons 41, 42).
 */
#ifndef LESSON_NET_H
#define LESSON_NET_H

#include <stddef.h>
#include <linux/types.h>

/*
 * af AF_INET: addr points at 4 bytes, AF_INET6: at 16, network byte order.
 * The address as text in buf (INET6_ADDRSTRLEN fits both; INET_ADDRSTRLEN
 * IPv4); "?" when af is neither.  Returns buf.
 */
const char *lesson_ip_str(int af, const void *addr, char *buf, size_t len);

/* The RTT table: its header, and one row (addresses in network byte order, ports in host). */
void lesson_print_rtt_header(void);
void lesson_print_rtt(__u32 saddr, __u16 sport, __u32 daddr, __u16 dport, __u32 srtt_us);

#endif
