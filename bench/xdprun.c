// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * xdprun: load any .bpf.o by path and test-run one of its XDP programs with
 * BPF_PROG_TEST_RUN on a 64-byte UDP frame.  Prints the kernel's own average
 * (ns per run of the program, over REPEAT runs) once per round.
 *
 * With -p N (or -p all) each round test-runs the program from N threads at
 * once, each pinned to its own CPU and released together by a barrier: they
 * all hit the same map slot, so a shared counter's cache line bounces between
 * the CPUs.  -c MAP then proves no update was lost: the sum of MAP's values
 * (every key, every CPU) must equal the number of runs.
 */
#include <argp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"

static struct {
	const char *obj;
	const char *prog;
	const char *check; /* map whose values must sum to the runs */
	const char *count; /* the same, reported but not enforced */
	long repeat;
	long rounds;
	long threads; /* 0: one per CPU this process may use */
	bool pin;     /* -p given: pin each thread to its own CPU */
	bool fifo;    /* run the test runs SCHED_FIFO */
	int ifindex;  /* hold the program attached here (down) meanwhile */
} opt = { .repeat = 1000000, .rounds = 5, .threads = 1 };

static const struct argp_option opts[] = {
	{ "repeat", 'r', "N", 0, "Runs per round and thread (default 1000000)" },
	{ "rounds", 'n', "N", 0, "Rounds (default 5)" },
	{ "parallel", 'p', "N|all", 0,
	  "Run from N threads at once, one pinned per CPU (all: every CPU we may use)" },
	{ "fifo", 'f', NULL, 0,
	  "Test-run at SCHED_FIFO priority 1, so other tasks do not preempt the runs" },
	{ "hold", 'i', "IFACE", 0,
	  "Keep the program attached (generic XDP) to IFACE, which must be down, "
	  "while test-running: no per-run XDP dispatcher update" },
	{ "check", 'c', "MAP", 0, "Fail unless MAP's values sum to the number of runs" },
	{ "count", 'C', "MAP", 0, "Print MAP's sum and the number of runs, do not fail" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		opt.repeat = lesson_arg_long(state, arg, "repeat", 1, 1L << 31);
		break;
	case 'n':
		opt.rounds = lesson_arg_long(state, arg, "rounds", 1, 1000);
		break;
	case 'p':
		opt.pin = true;
		opt.threads =
			strcmp(arg, "all") ? lesson_arg_long(state, arg, "threads", 1, 1024) : 0;
		break;
	case 'f':
		opt.fifo = true;
		break;
	case 'i':
		opt.ifindex = lesson_arg_ifindex(state, arg);
		break;
	case 'c':
		opt.check = arg;
		break;
	case 'C':
		opt.count = arg;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0)
			opt.obj = arg;
		else if (state->arg_num == 1)
			opt.prog = arg;
		else
			argp_error(state, "invalid argument '%s': only OBJECT PROGRAM", arg);
		break;
	case ARGP_KEY_END:
		if (!opt.prog)
			argp_error(state, "invalid arguments '': need OBJECT PROGRAM");
		if (opt.check && opt.count)
			argp_error(state, "invalid option '-C %s': -c already names a map",
				   opt.count);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.args_doc = "OBJECT.bpf.o PROGRAM",
	.doc = "Test-run one XDP program of an object with BPF_PROG_TEST_RUN.\v"
	       "Examples: xdprun build/00-xdp-counter/xdp_counter.bpf.o count_packets\n"
	       "  xdprun -p all -c pkt_count build/00-xdp-counter/xdp_counter.bpf.o count_packets",
	.children = lesson_argp_children,
};

/* Ethernet + IPv4 + UDP, 64 bytes: the smallest frame a NIC would carry. */
static void make_frame(unsigned char *buf, size_t len)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	memset(buf, 0, len);
	memset(eth->h_dest, 0xff, ETH_ALEN);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	ip->saddr = htonl(0x0a0b0001);
	ip->daddr = htonl(0x0a0b0002);
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
}

static double ns(const struct timespec *t)
{
	return t->tv_sec * 1e9 + t->tv_nsec;
}

/* One thread's test run of one round. */
struct worker {
	pthread_t tid;
	int cpu; /* -1: not pinned */
	int prog_fd;
	unsigned char *frame;
	pthread_barrier_t *start;
	int err;
	const char *what; /* what failed, with err */
	__u32 duration, retval;
	struct timespec t0, t1;	    /* CLOCK_MONOTONIC around the run */
	struct timespec cpu0, cpu1; /* this thread's CPU time around it */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = w->frame, .data_size_in = 64,
		    .repeat = (int)opt.repeat);

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		w->err = -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		w->what = "pinning";
	}
	if (opt.fifo && !w->err) {
		/*
		 * Above every normal task: on a shared machine the threads would
		 * otherwise take turns with them and rarely run at the same time.
		 */
		struct sched_param sp = { .sched_priority = 1 };

		w->err = -pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
		w->what = "setting SCHED_FIFO";
	}
	/* every thread waits here, so all the runs start together */
	pthread_barrier_wait(w->start);
	if (w->err)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &w->cpu0);
	w->err = bpf_prog_test_run_opts(w->prog_fd, &topts);
	w->what = "test-running";
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &w->cpu1);
	clock_gettime(CLOCK_MONOTONIC, &w->t1);
	w->duration = topts.duration;
	w->retval = topts.retval;
	return NULL;
}

/* The first n CPUs this process may run on, into cpus[]; how many there are. */
static int pick_cpus(int *cpus, int n)
{
	cpu_set_t set;
	int found = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (int c = 0; c < CPU_SETSIZE && (n == 0 || found < n); c++)
		if (CPU_ISSET(c, &set)) {
			if (cpus)
				cpus[found] = c;
			found++;
		}
	return found;
}

/*
 * The sum of the first __u64 of every value of map (every key, and every
 * CPU's copy in a per-CPU map): the packets a counter counted.
 */
static int map_sum(struct bpf_object *obj, const char *name, unsigned long long *sum)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	unsigned char key[64], next[64], *val;
	size_t ksz, vsz, stride, ncpu = 1;
	bool first = true;
	int err;

	if (!map)
		return -ENOENT;
	ksz = bpf_map__key_size(map);
	stride = vsz = bpf_map__value_size(map);
	if (ksz > sizeof(key) || vsz < sizeof(__u64))
		return -EINVAL;
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		ncpu = libbpf_num_possible_cpus();
		stride = (vsz + 7) & ~(size_t)7; /* each CPU's copy is 8-byte aligned */
		break;
	default:
		break;
	}
	val = calloc(ncpu, stride);
	if (!val)
		return -ENOMEM;
	*sum = 0;
	while (!(err = bpf_map__get_next_key(map, first ? NULL : key, next, ksz))) {
		first = false;
		memcpy(key, next, ksz);
		err = bpf_map__lookup_elem(map, key, ksz, val, ncpu * stride, 0);
		if (err)
			break;
		for (size_t c = 0; c < ncpu; c++) {
			__u64 v;

			memcpy(&v, val + c * stride, sizeof(v));
			*sum += v;
		}
	}
	free(val);
	return err == -ENOENT ? 0 : err;
}

int main(int argc, char **argv)
{
	unsigned char frame[64];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct worker *w = NULL;
	int *cpus = NULL, nthreads;
	unsigned long long runs = 0, sum;
	const char *counter;
	bool attached = false;
	int err;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	nthreads = opt.threads;
	if (opt.pin) {
		int avail = pick_cpus(NULL, 0);

		if (avail < 0)
			return lesson_fail(avail, "reading the CPU affinity");
		if (nthreads == 0)
			nthreads = avail;
		if (nthreads > avail)
			return lesson_error("-p %d: only %d CPUs to pin threads to", nthreads,
					    avail);
		cpus = calloc(nthreads, sizeof(*cpus));
		if (!cpus)
			return lesson_fail(-ENOMEM, "allocating");
		pick_cpus(cpus, nthreads);
	}
	w = calloc(nthreads, sizeof(*w));
	if (!w) {
		free(cpus);
		return lesson_fail(-ENOMEM, "allocating");
	}

	obj = bpf_object__open_file(opt.obj, NULL);
	if (!obj) {
		err = lesson_fail(-errno, "opening %s", opt.obj);
		obj = NULL;
		goto cleanup;
	}
	prog = bpf_object__find_program_by_name(obj, opt.prog);
	if (!prog) {
		err = lesson_error("no program '%s' in %s", opt.prog, opt.obj);
		goto cleanup;
	}
	err = bpf_object__load(obj);
	if (err) {
		err = lesson_fail(err, "loading %s", opt.obj);
		goto cleanup;
	}

	/*
	 * Each test run of an XDP program adds it to the kernel's XDP dispatcher
	 * and removes it after: the first add and the last remove rewrite the
	 * dispatcher and wait for an RCU grace period (~20 ms here) holding its
	 * mutex, so threads started together begin their runs tens of ms apart.
	 * Attached to an interface, the program stays in the dispatcher and a
	 * test run only takes a reference.  The interface must be down: a
	 * packet it received would be counted too.
	 */
	if (opt.ifindex) {
		char name[IF_NAMESIZE] = "?";
		struct ifreq ifr = {};
		int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if_indextoname(opt.ifindex, name);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (sk < 0 || ioctl(sk, SIOCGIFFLAGS, &ifr)) {
			err = lesson_fail(-errno, "reading the flags of %s", name);
			if (sk >= 0)
				close(sk);
			goto cleanup;
		}
		close(sk);
		if (ifr.ifr_flags & IFF_UP) {
			err = lesson_error("%s is up: packets it receives would be counted too",
					   name);
			goto cleanup;
		}
		err = bpf_xdp_attach(opt.ifindex, bpf_program__fd(prog),
				     XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (err) {
			err = lesson_fail(err, "attaching %s to %s", opt.prog, name);
			goto cleanup;
		}
		attached = true;
	}

	make_frame(frame, sizeof(frame));
	for (long i = 0; i < opt.rounds && !lesson_should_stop(); i++) {
		pthread_barrier_t start;
		double first_end = 0, last_start = 0, longest = 0;

		pthread_barrier_init(&start, NULL, nthreads);
		for (int t = 0; t < nthreads; t++) {
			w[t] = (struct worker){ .cpu = cpus ? cpus[t] : -1,
						.prog_fd = bpf_program__fd(prog),
						.frame = frame,
						.start = &start };
			if (t > 0 && (err = -pthread_create(&w[t].tid, NULL, work, &w[t]))) {
				/* the barrier cannot be met: give up before any thread waits */
				lesson_fail(err, "starting thread %d", t);
				exit(1);
			}
		}
		work(&w[0]); /* this thread is the first worker */
		for (int t = 1; t < nthreads; t++)
			pthread_join(w[t].tid, NULL);
		pthread_barrier_destroy(&start);

		for (int t = 0; t < nthreads; t++) {
			double wall, run;

			if (w[t].err) {
				err = lesson_fail(w[t].err, "test-running %s (thread %d)", opt.prog,
						  t);
				goto cleanup;
			}
			wall = (ns(&w[t].t1) - ns(&w[t].t0)) / opt.repeat;
			run = (ns(&w[t].cpu1) - ns(&w[t].cpu0)) / opt.repeat;
			/*
			 * kernel: the kernel's mean ns per run (whole ns; its timer
			 * stops while the task is rescheduled); wall: ours,
			 * fractional, but it counts preemption by other tasks too;
			 * oncpu: this thread's CPU time per run (fractional, not
			 * counting preemption).
			 */
			if (w[t].cpu >= 0)
				printf("%s thread %d cpu %d ", opt.prog, t, w[t].cpu);
			else
				printf("%s ", opt.prog);
			printf("kernel %u ns/pkt wall %.2f ns/pkt oncpu %.2f ns/pkt retval %u\n",
			       w[t].duration, wall, run, w[t].retval);
			if (t == 0 || ns(&w[t].t1) < first_end)
				first_end = ns(&w[t].t1);
			if (ns(&w[t].t0) > last_start)
				last_start = ns(&w[t].t0);
			if (ns(&w[t].t1) - ns(&w[t].t0) > longest)
				longest = ns(&w[t].t1) - ns(&w[t].t0);
		}
		runs += (unsigned long long)nthreads * opt.repeat;
		/* the share of the longest run during which every thread was running */
		if (nthreads > 1)
			printf("round %ld threads %d overlap %.3f\n", i + 1, nthreads,
			       first_end > last_start ? (first_end - last_start) / longest : 0.0);
		fflush(stdout);
	}

	counter = opt.check ?: opt.count;
	if (counter) {
		err = map_sum(obj, counter, &sum);
		if (err) {
			err = lesson_fail(err, "reading map %s", counter);
			goto cleanup;
		}
		printf("count %s %llu runs %llu lost %lld\n", counter, sum, runs,
		       (long long)(runs - sum));
		if (opt.check && sum != runs)
			err = lesson_error("map %s counted %llu of %llu runs: %lld updates lost",
					   counter, sum, runs, (long long)(runs - sum));
	}
cleanup:
	if (attached)
		bpf_xdp_detach(opt.ifindex, XDP_FLAGS_SKB_MODE, NULL);
	bpf_object__close(obj);
	free(w);
	free(cpus);
	return err ? 1 : 0;
}
