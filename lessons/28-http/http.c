// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 28 loader: print the first line of every HTTP/1.x request and
 * response, seen one of two ways (-m):
 *   socket   a raw AF_PACKET socket on one interface with http_filter
 *            attached (SO_ATTACH_BPF): the kernel hands us only frames whose
 *            TCP payload starts like HTTP, and we parse them again here;
 *   syscall  tracepoints on read/recvfrom/write/sendto: the buffers
 *            processes pass, whatever the interface, via a ring buffer.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "helpers.h"
#include "http.h"
#include "http.skel.h"

enum mode { MODE_SOCKET, MODE_SYSCALL };
static const char *const mode_names[] = { "socket", "syscall", NULL };

static struct {
	int mode;
	int ifindex;
	const char *ifname;
	int pid;
} env = { .mode = MODE_SOCKET };

static const struct argp_option opts[] = {
	{ "mode", 'm', "MODE", 0,
	  "socket (default): a socket filter on -i IFACE; syscall: tracepoints" },
	{ "interface", 'i', "IFACE", 0, "Interface for -m socket (default: lo)" },
	{ "pid", 'p', "PID", 0, "-m syscall: only this process" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'm':
		env.mode = lesson_arg_choice(state, arg, "mode", mode_names);
		break;
	case 'i':
		env.ifindex = lesson_arg_ifindex(state, arg);
		env.ifname = arg;
		break;
	case 'p':
		env.pid = lesson_arg_pid(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Print HTTP request and status lines.\v"
	       "Examples:\n"
	       "  http -i eth0             frames on eth0 (socket filter)\n"
	       "  http -m syscall          read/write buffers of every process\n"
	       "  http -m syscall -p 1234  ... of process 1234 only",
	.children = lesson_argp_children,
};

/* Print data up to its first CR or LF, as text. */
static void print_line(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len && data[i] != '\r' && data[i] != '\n'; i++)
		putchar(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.');
	putchar('\n');
}

/* One frame the filter let through: Ethernet + IPv4 + TCP + payload. */
static void handle_frame(const unsigned char *f, size_t len)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], from[32], to[32];
	const struct iphdr *ip = (const void *)(f + ETH_HLEN);
	const struct tcphdr *tcp;
	size_t ihl, off, end;

	if (len < ETH_HLEN + sizeof(*ip))
		return;
	ihl = (size_t)ip->ihl * 4;
	if (len < ETH_HLEN + ihl + sizeof(*tcp))
		return;
	tcp = (const void *)(f + ETH_HLEN + ihl);
	off = ETH_HLEN + ihl + (size_t)tcp->doff * 4;
	end = ETH_HLEN + ntohs(ip->tot_len);
	if (end > len)
		end = len; /* a frame bigger than our buffer */
	if (off >= end)
		return;
	inet_ntop(AF_INET, &ip->saddr, src, sizeof(src));
	inet_ntop(AF_INET, &ip->daddr, dst, sizeof(dst));
	snprintf(from, sizeof(from), "%s:%u", src, ntohs(tcp->source));
	snprintf(to, sizeof(to), "%s:%u", dst, ntohs(tcp->dest));
	printf("%-21s %-21s ", from, to);
	print_line((const char *)f + off, end - off);
}

static int run_socket(struct http_bpf *skel)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd, prog_fd = bpf_program__fd(skel->progs.http_filter), err = 0;
	/*
	 * Two bytes before the 14-byte Ethernet header put the IP header on a
	 * 4-byte boundary (the kernel's NET_IP_ALIGN): handle_frame reads
	 * struct iphdr and tcphdr in place, which must be aligned (UBSan).
	 */
	static unsigned char buf[2 + ETH_HLEN + 65536] __attribute__((aligned(4)));
	unsigned char *frame = buf + 2;
	struct tpacket_stats st;
	socklen_t st_len = sizeof(st);
	unsigned long long drops = 0;
	struct sockaddr_ll from = {};
	socklen_t from_len = sizeof(from);

	/* Every protocol, both directions, on one interface. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return lesson_fail(-errno, "opening a raw AF_PACKET socket");
	/* The filter goes on before bind: no unfiltered frame gets queued. */
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd))) {
		err = lesson_fail(-errno, "attaching http_filter (SO_ATTACH_BPF)");
		goto out;
	}
	sll.sll_ifindex = env.ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = lesson_fail(-errno, "binding the raw socket to %s", env.ifname);
		goto out;
	}

	printf("Capturing HTTP on %s with a socket filter. Ctrl-C to stop.\n", env.ifname);
	printf("%-21s %-21s %s\n", "FROM", "TO", "LINE");
	fflush(stdout);
	while (!lesson_should_stop()) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		while ((n = recvfrom(fd, frame, sizeof(buf) - 2, 0, (struct sockaddr *)&from,
				     &from_len)) > 0) {
			from_len = sizeof(from);
			/*
			 * On lo a frame is seen leaving and again arriving:
			 * keep one copy, the arriving one (as tcpdump does).
			 */
			if (from.sll_hatype == ARPHRD_LOOPBACK &&
			    from.sll_pkttype == PACKET_OUTGOING)
				continue;
			handle_frame(frame, (size_t)n);
		}
		fflush(stdout);
	}
	/* Frames the socket had no room for (its receive buffer was full). */
	if (!getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &st_len))
		drops = st.tp_drops;
	if (drops)
		lesson_error("%llu frames dropped: socket receive buffer full", drops);
out:
	close(fd); /* and with the socket goes the filter */
	return err;
}

static const char *const call_names[] = { "read", "recvfrom", "write", "sendto" };

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct http_event *e = data;

	printf("%-7d %-16s %-3s %-8s %6ld ", e->pid, e->comm, e->call >= CALL_WRITE ? "OUT" : "IN",
	       call_names[e->call & 3], e->len);
	print_line(e->data, e->copied);
	fflush(stdout);
	return 0;
}

static int run_syscall(struct http_bpf *skel)
{
	struct ring_buffer *rb;
	int err;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb)
		return lesson_fail(-errno, "creating ring buffer");
	if (env.pid)
		printf("Capturing HTTP in read/recvfrom/write/sendto of PID %d. Ctrl-C to stop.\n",
		       env.pid);
	else
		printf("Capturing HTTP in read/recvfrom/write/sendto. Ctrl-C to stop.\n");
	printf("%-7s %-16s %-3s %-8s %6s %s\n", "PID", "COMM", "DIR", "CALL", "BYTES", "LINE");
	fflush(stdout);
	err = lesson_poll_ringbuf(rb);
	if (skel->bss->dropped)
		lesson_error("%llu events lost: ring buffer full",
			     (unsigned long long)skel->bss->dropped);
	ring_buffer__free(rb);
	return err;
}

int main(int argc, char **argv)
{
	struct http_bpf *skel;
	struct bpf_program *prog;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;
	if (env.mode == MODE_SOCKET && !env.ifindex) {
		env.ifname = "lo";
		env.ifindex = lesson_ifindex("lo");
		if (env.ifindex < 0)
			return 1;
	}

	skel = http_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->target_pid = env.pid;
	/* Load only the programs of the chosen mode. */
	bpf_object__for_each_program (prog, skel->obj) {
		bool is_filter = prog == skel->progs.http_filter;

		bpf_program__set_autoload(prog, is_filter == (env.mode == MODE_SOCKET));
	}

	err = http_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	if (env.mode == MODE_SOCKET) {
		err = run_socket(skel);
	} else {
		/* `ip netns exec` gives a fresh /sys without tracefs: mount it. */
		if (!lesson_ensure_tracefs()) {
			err = 1;
			goto cleanup;
		}
		err = http_bpf__attach(skel);
		if (err) {
			err = lesson_fail(err, "attaching to the syscall tracepoints");
			goto cleanup;
		}
		err = run_syscall(skel);
	}

cleanup:
	http_bpf__destroy(skel);
	return err;
}
