#!/usr/bin/env bats
# Exercise 14 (README "Exercise"): -q quotes every argument, so spaces
# inside one are no longer ambiguous.  Checked against a process we start
# (known PID) that execs a program with the arguments we chose.
load ../../tests/lib

BIN=$OUT/execsnoop

setup() { lesson_setup; }
teardown() { lesson_teardown; }

@test "-q and --quote are options (execsnoop -q --help, --quote --help exit 0)" {
	run "$BIN" -q --help
	assert_success
	run "$BIN" --quote --help
	assert_success
	assert_output --partial "--quote"
}

@test "with -q each argument is in double quotes, with \" and \\ inside it escaped by a \\" {
	local out=$BATS_TEST_TMPDIR/out pid
	# exec: the program keeps the gated PID.
	gated runner 'exec /bin/true "a b" "say \"hi\"" "back\\slash" "" c'
	pid=$GATED_PID
	start_bg "$out" "$BIN" -q
	wait_for_line "$out" '^PCOMM +PID +PPID +UID +RET +ARGS$' 5
	release -w runner
	wait_for_line "$out" "^true +$pid " 3
	stop_bg_output "$out"
	assert_line --regexp "^true +$pid +[0-9]+ +0 +0 \"/bin/true\" \"a b\" \"say \\\\\"hi\\\\\"\" \"back\\\\\\\\slash\" \"\" \"c\"$"
}
