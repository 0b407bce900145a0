// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * lesson_arg_long / lesson_arg_choice / lesson_arg_ifindex on any string,
 * through real argp (ARGP_NO_EXIT: argp_error reports and returns instead of
 * exiting; its words go to /dev/null).  An accepted number must be in range
 * and must be what the string says.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

static const char *const words[] = { "auto", "kprobe", "tracepoint", NULL };
static FILE *err;
static char *err_text;
static size_t err_len;

/* Whether argp_error() has written anything since the parse began. */
static bool rejected(void)
{
	fflush(err);
	return err_len > 0;
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	long v;
	int i;

	switch (key) {
	case ARGP_KEY_INIT:
		state->err_stream = err;
		state->out_stream = err;
		return 0;
	case 'n':
		v = lesson_arg_long(state, arg, "number", -5, 1000);
		if (!rejected() && (v < -5 || v > 1000 || v != strtol(arg, NULL, 10)))
			abort();
		/* Every rejection names the value and says why, one line first. */
		if (rejected() && strncmp(err_text, "fuzz: invalid number '", 22))
			abort();
		return 0;
	case 'm':
		i = lesson_arg_choice(state, arg, "mode", words);
		if (!rejected() && (i < 0 || strcmp(words[i], arg)))
			abort();
		if (rejected() && i != -1)
			abort();
		return 0;
	case 'i':
		lesson_arg_ifindex(state, arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_option opts[] = {
	{ "n", 'n', "N", 0, "" },
	{ "m", 'm', "MODE", 0, "" },
	{ "i", 'i', "IFACE", 0, "" },
	{},
};
static const struct argp argp = { .options = opts, .parser = parse };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const flags[] = { "-n", "-m", "-i" };
	char *arg, *argv[4];

	if (!size)
		return 0;
	err = open_memstream(&err_text, &err_len);
	arg = strndup((const char *)data + 1, size - 1);
	argv[0] = "fuzz";
	argv[1] = (char *)flags[data[0] % 3];
	argv[2] = arg;
	argv[3] = NULL;
	argp_parse(&argp, 3, argv, ARGP_NO_EXIT | ARGP_NO_HELP, NULL, NULL);
	fclose(err);
	free(err_text);
	free(arg);
	return 0;
}
