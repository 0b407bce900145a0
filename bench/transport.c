// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * transport: how many events a ring buffer or a perf buffer delivers when a
 * child process calls getppid() RATE times a second for SECONDS (0: as fast
 * as it can).  One line: offered, delivered, dropped (BPF side), lost (perf
 * buffer's lost callback), elapsed, and the rates.
 */
#include <argp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "helpers.h"
#include "transport.h"
#include "transport.skel.h"

static struct {
	int mode; /* 0 ring, 1 perf */
	long rate;
	long seconds;
} opt = { .rate = 100000, .seconds = 2 };

static const char *const modes[] = { "ring", "perf", NULL };

static const struct argp_option opts[] = {
	{ "mode", 'm', "MODE", 0, "ring (default) or perf" },
	{ "rate", 'r', "N", 0,
	  "Events offered per second, 0: as fast as possible (default 100000)" },
	{ "seconds", 's', "N", 0, "How long the generator runs (default 2)" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'm':
		opt.mode = lesson_arg_choice(state, arg, "mode", modes);
		break;
	case 'r':
		opt.rate = lesson_arg_long(state, arg, "rate", 0, 100000000);
		break;
	case 's':
		opt.seconds = lesson_arg_long(state, arg, "seconds", 1, 3600);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Offer events at a fixed rate through a ring or perf buffer; count what arrives.\v"
	       "Example: transport -m perf -r 200000 -s 2",
	.children = lesson_argp_children,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The generator's own running time, shared with the parent. */
static double *gen_seconds;

/* The generator: paced in 100 us steps, catching up on what is due. */
static void generate(int go_fd)
{
	struct timespec tick = { 0, 100000 };
	double t0, t;
	long done = 0, due;
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	t0 = now();
	while ((t = now()) - t0 < opt.seconds) {
		due = opt.rate ? (long)((t - t0) * opt.rate) : done + 1000;
		while (done < due) {
			syscall(SYS_getppid);
			done++;
		}
		if (opt.rate)
			nanosleep(&tick, NULL);
	}
	*gen_seconds = now() - t0;
	_exit(0);
}

static unsigned long long delivered, lost, last_seq;

static int on_ring(void *ctx, void *data, size_t size)
{
	const struct tevent *e = data;

	delivered++;
	last_seq = e->seq;
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	on_ring(ctx, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	lost += cnt;
}

int main(int argc, char **argv)
{
	struct transport_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	int go[2] = { -1, -1 }, err, status, ncpu, pages;
	pid_t child;
	double gen;

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root())
		return 1;

	gen_seconds = mmap(NULL, sizeof(*gen_seconds), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (gen_seconds == MAP_FAILED)
		return lesson_fail(-errno, "mmap");
	if (pipe(go))
		return lesson_fail(-errno, "pipe");
	child = fork();
	if (child < 0)
		return lesson_fail(-errno, "fork");
	if (child == 0) {
		close(go[1]);
		generate(go[0]);
	}
	close(go[0]);

	skel = transport_bpf__open();
	if (!skel) {
		err = lesson_fail(-errno, "opening BPF object");
		goto cleanup;
	}
	skel->rodata->target_tgid = child;
	bpf_program__set_autoload(opt.mode ? skel->progs.to_ringbuf : skel->progs.to_perfbuf,
				  false);
	err = transport_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}
	err = transport_bpf__attach(skel);
	if (err) {
		err = lesson_fail(err, "attaching");
		goto cleanup;
	}
	/* The same memory for both: 256 KiB (perf: split over the CPUs). */
	ncpu = libbpf_num_possible_cpus();
	for (pages = 1; pages * 2 * ncpu <= 64;)
		pages *= 2;
	if (opt.mode)
		pb = perf_buffer__new(bpf_map__fd(skel->maps.pb), pages, on_perf, on_lost, NULL,
				      NULL);
	else
		rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_ring, NULL, NULL);
	if (!pb && !rb) {
		err = lesson_fail(-errno, "creating the buffer");
		goto cleanup;
	}

	if (write(go[1], "g", 1) != 1) {
		err = lesson_fail(-errno, "starting the generator");
		goto cleanup;
	}
	for (;;) {
		err = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR) {
			err = lesson_fail(err, "polling");
			goto cleanup;
		}
		if (waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			break;
		}
	}
	/* drain what is still queued */
	while ((rb ? ring_buffer__consume(rb) : perf_buffer__consume(pb)) > 0)
		;
	/* rates over the generator's own time: what it offered, what arrived */
	gen = *gen_seconds > 0 ? *gen_seconds : 1e-9;
	printf("mode %s rate %ld offered %llu delivered %llu dropped %llu lost %llu "
	       "seconds %.3f offered_per_s %.0f delivered_per_s %.0f\n",
	       modes[opt.mode], opt.rate, (unsigned long long)skel->bss->offered, delivered,
	       (unsigned long long)skel->bss->dropped, lost, gen, skel->bss->offered / gen,
	       delivered / gen);
	err = 0;
cleanup:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	transport_bpf__destroy(skel);
	return err ? 1 : 0;
}
