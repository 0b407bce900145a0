#!/usr/bin/env bats
# Exercise 20 (README "Exercise"): -f, off-CPU time per stack, from a
# tp_btf/sched_switch program.  Checked with a sleep(1) we start (known PID)
# and time: its nanosleep stack is away for at least the second we asked
# for, and no longer than we waited for it.
load ../../tests/lib

BIN=$OUT/profile

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

@test "-f and --off-cpu are options; with -f a tp_btf program offcpu_switch is attached" {
	require_feature tp_btf
	run "$BIN" -f --help
	assert_success
	run "$BIN" --off-cpu --help
	assert_success
	assert_output --partial -- "--off-cpu"
	start_bg "$T/out" "$BIN" -f
	wait_for_line "$T/out" '^Tracing off-CPU time' 5
	run "$BPFTOOL" prog show name offcpu_switch
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	assert_output --regexp '^[0-9]+: tracing +name offcpu_switch '
}

@test "-f -p PID: a 1 s sleep is 1 s (in us) off CPU, in a stack through nanosleep" {
	local pid t0 t1 away waited
	require_feature tp_btf
	"$BIN" -f --help >/dev/null 2>&1 || fail "profile has no -f option"
	gated sl 'exec sleep 1'
	pid=$GATED_PID
	start_bg "$T/out" "$BIN" -f -p "$pid"
	wait_for_line "$T/out" '^Tracing off-CPU time' 5
	t0=$EPOCHREALTIME
	release -w sl
	t1=$EPOCHREALTIME
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	run cat "$T/out"
	away=$(awk '/^sleep;.*nanosleep[^;]*_\[k\]/ { s += $NF } END { print s + 0 }' "$T/out")
	waited=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1e6 }')
	echo "sleep was away ${away} us in nanosleep; the test waited ${waited} us"
	assert [ "$away" -ge 1000000 ]
	assert [ "$away" -le "$waited" ]
}
