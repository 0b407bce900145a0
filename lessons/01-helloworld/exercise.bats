#!/usr/bin/env bats
# Exercise 01 (README "Exercise"): each line also says how many bytes the
# write() asked for, checked against writes of sizes the test chooses.
load ../../tests/lib

BIN=$OUT/helloworld
K=3

setup() {
	lesson_setup
	BUF_KB_BEFORE=$(sed -n '1s/^\([0-9]*\).*/\1/p' /sys/kernel/tracing/buffer_size_kb)
}
teardown() {
	lesson_teardown
	# A loader killed by a failing check cannot restore the buffer: do it here.
	[ -z "${BUF_KB_BEFORE-}" ] || echo "$BUF_KB_BEFORE" >/sys/kernel/tracing/buffer_size_kb
}

@test "a 13-byte write prints 'from PID N: 13 bytes.', a 2-byte one 'from PID N: 2 bytes.'" {
	local out=$BATS_TEST_TMPDIR/out
	# echo is a builtin: one write() each, from the gated shell itself.
	# shellcheck disable=SC2016 # the gated shell expands $1
	gated writer 'for ((i = 0; i < $1; i++)); do echo 123456789012; echo x; done' "$K"
	start_bg "$out" "$BIN" -p "$GATED_PID"
	wait_for_line "$out" '^Tracing write\(\)' 3
	release -w writer
	wait_for_count "$out" "sys_enter_write from PID $GATED_PID: 13 bytes\.$" "$K" 3
	wait_for_count "$out" "sys_enter_write from PID $GATED_PID: 2 bytes\.$" "$K" 3
	stop_bg_output "$out"
	refute_output --regexp "from PID $GATED_PID\.$"
}
