// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * featprobe: ask this kernel whether it supports BPF features, by trying them.
 * Used by tools/doctor and by the bats skip logic (tests/lib.bash).
 *
 *   featprobe [-q] FEATURE...   exit 0 all supported, 1 some unsupported,
 *                               2 some inconclusive
 *   featprobe -l                list the feature names
 */
#include <stdio.h>
#include <string.h>
#include "feature.h"
#include "helpers.h"

int main(int argc, char **argv)
{
	enum feature_verdict worst = FEATURE_SUPPORTED;
	int i, quiet = 0, first = 1;
	char why[256];

	lesson_init(argv[0]);
	if (argc > 1 && strcmp(argv[1], "-q") == 0)
		quiet = first = 2;
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		lesson_env.verbose = true;
		first = 2;
	}
	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (i = 0; feature_names[i]; i++)
			puts(feature_names[i]);
		return 0;
	}
	if (argc <= first || strcmp(argv[1], "-h") == 0) {
		fprintf(stderr,
			"usage: featprobe [-q|-v] FEATURE...   (featprobe -l lists them)\n");
		return argc <= first ? 2 : 0;
	}
	if (lesson_check_root())
		return FEATURE_INCONCLUSIVE;
	for (i = first; i < argc; i++) {
		enum feature_verdict v = feature_probe(argv[i], why, sizeof(why));

		if (v > worst)
			worst = v;
		if (quiet && v == FEATURE_SUPPORTED)
			continue;
		if (*why)
			printf("%s: %s (%s)\n", argv[i], feature_verdict_str(v), why);
		else
			printf("%s: %s\n", argv[i], feature_verdict_str(v));
	}
	return worst;
}
