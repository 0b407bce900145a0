// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Network addresses as the TCP lessons print them: see net.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include "net.h"

const char *lesson_ip_str(int af, const void *addr, char *buf, size_t len)
{
	if (!inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

void lesson_print_rtt_header(void)
{
	printf("%-15s %-6s -> %-15s %-6s %s\n", "SRC ADDR", "PORT", "DEST ADDR", "PORT", "RTT(ms)");
}

/* Flushed: the tests (and a pipe to grep) see each sample as it comes. */
void lesson_print_rtt(__u32 saddr, __u16 sport, __u32 daddr, __u16 dport, __u32 srtt_us)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

	printf("%-15s %-6u -> %-15s %-6u %.3f\n", lesson_ip_str(AF_INET, &saddr, src, sizeof(src)),
	       sport, lesson_ip_str(AF_INET, &daddr, dst, sizeof(dst)), dport, srtt_us / 1000.0);
	fflush(stdout);
}
