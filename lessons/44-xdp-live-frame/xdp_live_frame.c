// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 44 loader: build one UDP frame, then BPF_PROG_RUN xdp_prog_func on
 * it COUNT times with BPF_F_TEST_XDP_LIVE_FRAMES, so each run transmits
 * the frame out of IFACE (XDP_TX, or XDP_REDIRECT with -m redirect).
 */
#include <argp.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include "feature.h"
#include "helpers.h"
#include "xdp_live_frame.skel.h"

/* From <linux/bpf.h> (5.18); older headers lack it. */
#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

static const char *ifname = "lo";
static int ifindex;
static long count = 1;
static long frame_size = 64;
static const unsigned char *dst_mac;
static unsigned char dst_mac_buf[ETH_ALEN];
static int mode; /* 0 tx, 1 redirect */
static const char *const mode_names[] = { "tx", "redirect", NULL };

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Interface to transmit on (default: lo)" },
	{ "count", 'n', "COUNT", 0, "Frames to send (default: 1)" },
	{ "size", 's', "BYTES", 0, "Frame size, 60-1514 (default: 64)" },
	{ "dst-mac", 'D', "MAC", 0, "Destination MAC (default: broadcast)" },
	{ "mode", 'm', "MODE", 0, "tx (XDP_TX, default) or redirect (bpf_redirect)" },
	{},
};

/* xx:xx:xx:xx:xx:xx, one or two hex digits each (sscanf's %x also took " +0x2"). */
static bool parse_mac(const char *s, unsigned char *mac)
{
	int i, n;

	for (i = 0; i < ETH_ALEN; i++) {
		for (n = 0; n < 2 && isxdigit((unsigned char)s[n]); n++)
			;
		if (!n || s[n] != (i < ETH_ALEN - 1 ? ':' : '\0'))
			return false;
		mac[i] = strtoul(s, NULL, 16); /* exactly those n digits */
		s += n + 1;
	}
	return true;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		ifindex = lesson_arg_ifindex(state, arg);
		ifname = arg;
		break;
	case 'n':
		count = lesson_arg_long(state, arg, "count", 1, 1L << 31);
		break;
	case 's':
		frame_size = lesson_arg_long(state, arg, "size", 60, 1514);
		break;
	case 'D':
		if (!parse_mac(arg, dst_mac_buf))
			argp_error(state, "invalid MAC '%s': want xx:xx:xx:xx:xx:xx", arg);
		dst_mac = dst_mac_buf;
		break;
	case 'm':
		mode = lesson_arg_choice(state, arg, "mode", mode_names);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Transmit COUNT copies of a UDP frame out of an interface by running an XDP\n"
	       "program with BPF_PROG_RUN in live-frame mode (5.18+).\v"
	       "Example: xdp_live_frame -i veth0 -n 1000 -D 02:00:0a:0b:00:02",
	.children = lesson_argp_children,
};

/* Ones' complement sum of the IPv4 header. */
static unsigned short ip_csum(const void *hdr, size_t len)
{
	const unsigned short *p = hdr;
	unsigned int sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/*
 * Ethernet (our MAC -> dst) / IPv4 198.18.0.1 -> 198.18.0.2 (the
 * benchmarking range, RFC 2544) / UDP 9 -> 9 (discard), zero payload.
 */
static int build_frame(unsigned char *f, size_t size)
{
	struct ifreq ifr = {};
	unsigned char *ip = f + ETH_HLEN, *udp = ip + 20;
	unsigned short ip_len = size - ETH_HLEN, udp_len = ip_len - 20, c;
	int fd;

	memset(f, 0, size);
	memset(f, 0xff, ETH_ALEN);
	if (dst_mac)
		memcpy(f, dst_mac, ETH_ALEN);
	/* Source: the interface's own address (lo has none: zeros). */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(f + ETH_ALEN, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (fd >= 0)
		close(fd);
	f[12] = 0x08; /* EtherType IPv4 */
	ip[0] = 0x45;
	ip[2] = ip_len >> 8;
	ip[3] = ip_len & 0xff;
	ip[8] = 64; /* TTL */
	ip[9] = 17; /* UDP */
	/* Source and destination address: bytes, not a string. */
	// NOLINTNEXTLINE(bugprone-not-null-terminated-result)
	memcpy(ip + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	c = ip_csum(ip, 20);
	memcpy(ip + 10, &c, 2);
	udp[1] = 9;
	udp[3] = 9;
	udp[4] = udp_len >> 8;
	udp[5] = udp_len & 0xff;
	return 0; /* UDP checksum 0: none */
}

int main(int argc, char **argv)
{
	/* The frame "arrives" on ifindex: that is where XDP_TX sends it. */
	struct xdp_md ctx_in = {};
	LIBBPF_OPTS(bpf_test_run_opts, topts, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct xdp_live_frame_bpf *skel;
	unsigned char frame[1514];
	enum feature_verdict v;
	char why[256];
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;
	if (!ifindex) {
		ifindex = lesson_ifindex(ifname);
		if (ifindex < 0)
			return 1;
	}
	v = feature_probe("xdp_live", why, sizeof(why));
	if (v == FEATURE_UNSUPPORTED)
		return lesson_error("kernel lacks BPF_F_TEST_XDP_LIVE_FRAMES: %s", why);
	if (v != FEATURE_SUPPORTED)
		return lesson_error("cannot tell whether the kernel has live frames: %s", why);

	skel = xdp_live_frame_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	if (mode == 1)
		skel->rodata->redirect_ifindex = ifindex;
	err = xdp_live_frame_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	build_frame(frame, frame_size);
	/* The kernel checks the context against the data: data_end = its size. */
	ctx_in.data_end = frame_size;
	ctx_in.ingress_ifindex = ifindex;
	topts.data_in = frame;
	topts.data_size_in = frame_size;
	topts.ctx_in = &ctx_in;
	topts.ctx_size_in = sizeof(ctx_in);
	topts.repeat = count;
	printf("Sending %ld frames of %ld bytes out of %s (ifindex %d) with %s.\n", count,
	       frame_size, ifname, ifindex, mode ? "XDP_REDIRECT" : "XDP_TX");

	/*
	 * Go: prog.Run(&ebpf.RunOptions{Data, Repeat, Flags, Context}).  One
	 * syscall sends them all; a signal interrupts it (EINTR).
	 */
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_prog_func), &topts);
	if (err == -EINTR || (err && lesson_exiting)) {
		printf("Interrupted after %llu frames.\n", (unsigned long long)skel->bss->runs);
		err = 0;
	} else if (err) {
		err = lesson_fail(err, "BPF_PROG_RUN with live frames on %s", ifname);
	} else {
		printf("Sent %llu frames.\n", (unsigned long long)skel->bss->runs);
	}

cleanup:
	xdp_live_frame_bpf__destroy(skel);
	return err;
}
