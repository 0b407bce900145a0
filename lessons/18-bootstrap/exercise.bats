#!/usr/bin/env bats
# Exercise 18 (README "Exercise"): -p PID reports only the children of PID,
# filtered in the BPF programs by a .rodata value.  Checked with two parents
# we start (known PIDs), each of which runs one child.
load ../../tests/lib

BIN=$OUT/bootstrap

setup() { lesson_setup; }
teardown() { lesson_teardown; }

@test "-p and --ppid are options; a PID that is not a number is bad input (exit 64)" {
	run "$BIN" -p 1 --help
	assert_success
	run "$BIN" --ppid 1 --help
	assert_success
	assert_output --partial "--ppid"
	run "$BIN" -p notapid
	assert_bad_input "bootstrap: invalid PID 'notapid': want a whole number from 1 to 2147483647"
}

@test "with -p A: the EXEC and EXIT of A's child, nothing of B's, and every line's PPID is A" {
	local out=$BATS_TEST_TMPDIR/out a b
	# Not the last command: bash forks a child for it.
	gated parent_a '/bin/sh -c "exit 4"; exit 0'
	a=$GATED_PID
	gated parent_b '/bin/sh -c "exit 5"; exit 0'
	b=$GATED_PID
	start_bg "$out" "$BIN" -p "$a"
	wait_for_line "$out" '^TIME +EVENT +COMM +PID +PPID' 5
	release -w parent_b
	release -w parent_a
	wait_for_line "$out" "^[0-9:]{8} EXIT +sh +[0-9]+ +$a +exit 4 " 3
	stop_bg_output "$out"
	assert_line --regexp "^[0-9:]{8} EXEC +sh +[0-9]+ +$a +/bin/sh$"
	refute_line --regexp " $b "
	refute_output --partial "exit 5"
	run awk -v p="$a" '$2 ~ /^(EXEC|EXIT)$/ && $5 != p' "$out"
	assert_output ""
}
