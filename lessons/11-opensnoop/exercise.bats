#!/usr/bin/env bats
# Exercise 11 (README "Exercise"): -x, only failed opens, a .rodata flag
# checked in the exit program; checked against a process we start whose
# opens succeed and fail as we choose.
load ../../tests/lib

BIN=$OUT/opensnoop

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	echo data >"$T/a"
}
teardown() { lesson_teardown; }

@test "-x and --failed are options (opensnoop -x --help, --failed --help exit 0)" {
	run "$BIN" -x --help
	assert_success
	run "$BIN" --failed --help
	assert_success
	assert_output --partial "--failed"
}

@test "with -x: a failed open is shown (-2), the same process's successful opens are not" {
	# Two opens that succeed (3 and 4), then one of a missing file.
	gated opener 'exec 3<&- 4>&-; exec 3<"$1"; exec 4>"$2"; : <"$3"' \
		"$T/a" "$T/w" "$T/missing"
	local pid=$GATED_PID
	start_bg "$T/out" "$BIN" -x
	wait_for_line "$T/out" '^PID +UID +COMM +FLAGS +RET +PATH$' 3
	release opener
	wait "$pid" || true
	wait_for_line "$T/out" "^$pid .* $T/missing$" 3
	stop_bg_output "$T/out"
	assert_file_exists "$T/w"
	assert_line --regexp "^$pid +[0-9]+ +bash +00000000 +-2 $T/missing$"
	refute_line --regexp "^$pid .* $T/a$"
	refute_line --regexp "^$pid .* $T/w$"
	# Nobody's successful open is shown: every RET is negative.
	run awk '$1 ~ /^[0-9]+$/ && $5 !~ /^-[0-9]+$/' "$T/out"
	assert_output ""
}
