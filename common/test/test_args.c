// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lesson_arg_*: every value a loader parses goes through these.  Parsed by
 * real argp in a child, as a loader would be: exit status 64 and the first
 * stderr line "NAME: invalid ..." on bad input, the value otherwise.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helpers.h"
#include "unit.h"

static const char *const colours[] = { "red", "green", "blue", NULL };
static const char *const many[] = {
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	"cccccccccccccccccccccccccccccccccccccccc", "dddddddddddddddddddddddddddddddddddddddd",
	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "ffffffffffffffffffffffffffffffffffffffff",
	"gggggggggggggggggggggggggggggggggggggggg", NULL,
};

static const struct argp_option opts[] = {
	{ "num", 'n', "N", 0, "0..100" },
	{ "big", 'b', "N", 0, "LONG_MIN..LONG_MAX" },
	{ "pid", 'p', "PID", 0, "a live process" },
	{ "interface", 'i', "IFACE", 0, "an interface" },
	{ "colour", 'c', "COLOUR", 0, "red, green or blue" },
	{ "many", 'm', "WORD", 0, "one of many long words" },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'n':
		printf("n=%ld\n", lesson_arg_long(state, arg, "number", 0, 100));
		return 0;
	case 'b':
		printf("b=%ld\n", lesson_arg_long(state, arg, "big", LONG_MIN, LONG_MAX));
		return 0;
	case 'p':
		printf("p=%d\n", lesson_arg_pid(state, arg));
		return 0;
	case 'i':
		printf("i=%d\n", lesson_arg_ifindex(state, arg));
		return 0;
	case 'c':
		printf("c=%d\n", lesson_arg_choice(state, arg, "colour", colours));
		return 0;
	case 'm':
		printf("m=%d\n", lesson_arg_choice(state, arg, "word", many));
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = opts,
	.parser = parse,
	.children = lesson_argp_children,
};

struct argv {
	char *v[8];
};

static void run_parse(void *p)
{
	struct argv *a = p;
	int argc = 0;

	while (a->v[argc])
		argc++;
	lesson_init(a->v[0]);
	argp_parse(&argp, argc, a->v, 0, NULL, NULL);
	printf("d=%d\n", lesson_env.duration);
}

static struct captured c;

static void parse2(const char *opt, const char *val)
{
	struct argv a = { { "/some/dir/unit", (char *)opt, (char *)val, NULL } };

	memset(&c, 0, sizeof(c));
	capture(&c, run_parse, &a, NULL);
}

/* Bad: exit 64, stderr starts with want, nothing parsed was printed. */
static void bad(const char *opt, const char *val, const char *want)
{
	parse2(opt, val);
	CHECK(c.status == 64);
	if (strncmp(c.err, want, strlen(want)) != 0) {
		fprintf(stderr, "%s %s: stderr \"%s\"\n  want prefix \"%s\"\n", opt, val, c.err,
			want);
		unit_failures++;
	}
	CHECK(!strchr(c.out, '='));
}

static void good(const char *opt, const char *val, const char *want_out)
{
	parse2(opt, val);
	CHECK(c.status == 0);
	if (strcmp(c.out, want_out) != 0) {
		fprintf(stderr, "%s %s: stdout \"%s\" want \"%s\" (stderr %s)\n", opt, val, c.out,
			want_out, c.err);
		unit_failures++;
	}
}

int main(void)
{
	char buf[64], mine[32];
	pid_t dead;

	/* lesson_arg_long: whole numbers in range, nothing else. */
	good("-n", "0", "n=0\nd=0\n");
	good("-n", "100", "n=100\nd=0\n");
	good("-n", "42", "n=42\nd=0\n");
	bad("-n", "101", "unit: invalid number '101': out of range 0..100\n");
	bad("-n", "-1", "unit: invalid number '-1': out of range 0..100\n");
	bad("-n", "", "unit: invalid number '': want a whole number from 0 to 100\n");
	bad("-n", "abc", "unit: invalid number 'abc': want a whole number");
	bad("-n", "12x", "unit: invalid number '12x': want a whole number");
	bad("-n", "1.5", "unit: invalid number '1.5': want a whole number");
	bad("-n", "5 ", "unit: invalid number '5 ': want a whole number");
	bad("-n", "99999999999999999999", "unit: invalid number '99999999999999999999': want");
	good("-b", "-9223372036854775808", "b=-9223372036854775808\nd=0\n");
	good("-b", "9223372036854775807", "b=9223372036854775807\nd=0\n");
	bad("-b", "9223372036854775808", "unit: invalid big '9223372036854775808': want");
	bad("-b", "-9223372036854775809", "unit: invalid big '-9223372036854775809': want");
	/* The second line is argp's pointer to --help. */
	bad("-n", "x", "unit: invalid number 'x': want a whole number from 0 to 100\nTry `unit");

	/* -d from the common options: whole seconds > 0. */
	good("-d", "5", "d=5\n");
	bad("-d", "0", "unit: invalid duration '0': out of range 1..");
	bad("-d", "soon", "unit: invalid duration 'soon'");

	/* lesson_arg_pid: a number, and a process that exists. */
	snprintf(mine, sizeof(mine), "%d", getpid());
	snprintf(buf, sizeof(buf), "p=%d\nd=0\n", getpid());
	good("-p", mine, buf);
	dead = fork();
	if (!dead)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(mine, sizeof(mine), "%d", dead);
	snprintf(buf, sizeof(buf), "unit: invalid PID '%d': no such process\n", dead);
	bad("-p", mine, buf);
	bad("-p", "0", "unit: invalid PID '0': out of range 1..");
	bad("-p", "-5", "unit: invalid PID '-5': out of range 1..");
	bad("-p", "2147483648", "unit: invalid PID '2147483648': out of range 1..2147483647");
	bad("-p", "pid", "unit: invalid PID 'pid': want a whole number");

	/* lesson_arg_ifindex: the name's length first, then the kernel's word. */
	good("-i", "lo", "i=1\nd=0\n");
	bad("-i", "", "unit: invalid interface '': names are 1 to 15 characters");
	bad("-i", "aaaaaaaaaaaaaaaa",
	    "unit: invalid interface 'aaaaaaaaaaaaaaaa': names are 1 to 15");
	bad("-i", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "unit: invalid interface 'aaaa");
	bad("-i", "nosuchif9", "unit: invalid interface 'nosuchif9': no such interface\n");

	/* lesson_arg_choice: the index; the list of choices on a miss. */
	good("-c", "red", "c=0\nd=0\n");
	good("-c", "blue", "c=2\nd=0\n");
	bad("-c", "Red", "unit: invalid colour 'Red': want one of red, green, blue\n");
	bad("-c", "", "unit: invalid colour '': want one of red, green, blue\n");
	/* More words than the message buffer holds: cut short, never overrun. */
	good("-m", many[6], "m=6\nd=0\n");
	bad("-m", "x", "unit: invalid word 'x': want one of aaaa");

	return unit_done("test_args");
}
