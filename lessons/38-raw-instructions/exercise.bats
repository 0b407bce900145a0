#!/usr/bin/env bats
# Exercise 38 (README "Exercise"): -c, only openat() calls with O_CREAT in
# their flags, decided by a jump in the raw program.  Checked with a gated
# touch of a new file (O_CREAT) and a gated cat (no O_CREAT), PIDs we know,
# and bpftool's dump of the instructions the kernel holds.
load ../../tests/lib

BIN=$OUT/raw_instructions

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	echo hello >"$T/hello38"
}
teardown() { lesson_teardown; }

creat_option() {
	"$BIN" -c --help >/dev/null 2>&1 || fail "no -c option"
}

@test "-c and --creat are options" {
	run "$BIN" -c --help
	assert_success
	assert_output --partial "--creat"
}

@test "-c: touch's O_CREAT open of a new file is reported, cat's plain opens are not" {
	local touch_pid
	creat_option
	gated touch 'exec touch "$1"' "$T/new38"
	touch_pid=$GATED_PID
	gated cat 'exec cat "$1"' "$T/hello38"
	CAT=$GATED_PID
	start_bin '^PID +TID +COMM +FILENAME$' -c
	release -w cat
	release -w touch
	assert_exists "$T/new38"
	wait_for_line "$T/out" "^$touch_pid +$touch_pid +touch +$T/new38$"
	stop_bg_output "$T/out"
	# touch's other opens (ld.so, libc, locale) have no O_CREAT: only one line.
	assert_equal "$(grep -cE "^$touch_pid " "$T/out")" 1
	refute_line --regexp "^$CAT "
}

@test "-c: the test of O_CREAT (0x40) is in the program the kernel runs" {
	creat_option
	start_bin '^PID +TID +COMM +FILENAME$' -c
	run "$BPFTOOL" prog dump xlated name raw_openat
	assert_output --regexp '& 0x40|&= 64'
	stop_bg_output "$T/out"
}
