#!/usr/bin/env bats
# make memcheck (tests/memcheck): valgrind's memcheck over the loaders'
# README runs.  The whole pass takes long; here it runs over one cheap
# lesson so it cannot rot, and its verdict is checked against programs
# whose leaks the test itself wrote.
load lib

setup() {
	[ "${SANITIZE:-0}" != 1 ] ||
		skip "SANITIZE=1: valgrind cannot run the ASan build; make memcheck builds its own (build-memcheck/)"
	command -v valgrind >/dev/null || skip "valgrind is not installed: tools/deps ensure test"
}

@test "make memcheck TESTS=lessons/46-map-in-map: the README run, under valgrind, has no memory errors or leaks" {
	run make -s -C "$ROOT" memcheck TESTS=lessons/46-map-in-map
	assert_success
	assert_line --regexp "^ok 1 .*README"
	assert_line --regexp '^memcheck: [1-9][0-9]* loader runs, no errors or leaks'
	# The loader really ran under valgrind: its log names it.
	local logs
	logs=$(sed -nE 's/^memcheck: .*\(logs: (.*)\)$/\1/p' <<<"$output")
	run grep -l "Command: $ROOT/build-memcheck/46-map-in-map/map_in_map " "$ROOT/$logs"/map_in_map.*.log
	assert_success
}

@test "tests/memcheck --scan: a leak and an invalid read fail it, naming the program; a clean run passes" {
	local d=$BATS_TEST_TMPDIR
	mkdir "$d/logs-bad" "$d/logs-clean"
	cat >"$d/leaky.c" <<-'EOF'
		#include <stdlib.h>
		#include <string.h>
		int main(int argc, char **argv)
		{
			char *p = strdup(argv[0]);
			if (argc > 1)
				return p[strlen(p) + 8];	/* past the end */
			p = NULL;			/* definitely lost */
			return 0;
		}
	EOF
	cat >"$d/clean.c" <<-'EOF'
		#include <stdlib.h>
		#include <string.h>
		int main(int argc, char **argv)
		{
			char *p = strdup(argv[0]);
			free(p);
			return 0;
		}
	EOF
	cc -g -O0 -o "$d/leaky" "$d/leaky.c"
	cc -g -O0 -o "$d/clean" "$d/clean.c"

	MEMCHECK_LOGS=$d/logs-clean run "$ROOT/tests/memcheck-run" "$d/clean"
	assert_success
	run "$ROOT/tests/memcheck" --scan "$d/logs-clean"
	assert_success
	assert_output --partial "memcheck: 1 loader runs, no errors or leaks"

	MEMCHECK_LOGS=$d/logs-bad run "$ROOT/tests/memcheck-run" "$d/leaky"
	assert_equal "$status" 99
	MEMCHECK_LOGS=$d/logs-bad run "$ROOT/tests/memcheck-run" "$d/leaky" x
	assert_equal "$status" 99
	run "$ROOT/tests/memcheck" --scan "$d/logs-bad"
	assert_failure
	assert_line --regexp "^memcheck: $d/leaky: 1 errors, definitely lost [0-9]+ bytes"
	assert_output --partial "are definitely lost in loss record"
	assert_output --partial "Invalid read of size 1"
	assert_line "memcheck: 2 loader runs, 2 with errors or leaks"
}
