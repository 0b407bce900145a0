#!/usr/bin/env bats
# Exercise 47 (README "Exercise"): a DSQ of our own.  ops.init creates DSQ 0,
# ops.enqueue inserts into it, ops.dispatch moves its tasks to the CPU's
# local queue, and the loader prints how many it moved.  Checked against the
# kernel: the run counts it keeps for each program (kernel.bpf_stats_enabled)
# say ops.init ran once and ops.dispatch ran; the kernel's own exit info says
# it never threw the scheduler out (an insert into a DSQ nobody created is an
# error that disables it); and what dispatch moved, by the kfunc's answer,
# is at most what dispatch ran and what enqueue saw.  Kernels without
# sched_ext skip with the probe's reason.
load ../../tests/lib

BIN=$OUT/sched_ext

setup() {
	lesson_setup
	LOG=$BATS_TEST_TMPDIR/out
	STATS=$(cat /proc/sys/kernel/bpf_stats_enabled)
}
teardown() {
	[ -z "${STATS:-}" ] || echo "$STATS" >/proc/sys/kernel/bpf_stats_enabled
	lesson_teardown
}

# workload: a process that wakes up every 20 ms (each wakeup is an enqueue).
workload() {
	bash -c 'while :; do sleep 0.02; done' 3>&- &
	_BG_PIDS+=("$!")
}

# run_cnt PROG: how often the kernel ran program PROG (bpf_stats).
run_cnt() {
	local n
	n=$("$BPFTOOL" -j prog show name "$1" | jq -r '.run_cnt // 0') || fail "no program $1"
	[ -n "$n" ] || fail "no program $1"
	echo "$n"
}

# scheduler: the scheduler running for 3 "Moved" lines, with bpf_stats on.
scheduler() {
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	workload
	start_bg "$LOG" "$BIN"
	wait_for_line "$LOG" '^Scheduler minimal enabled with '
	wait_for_count "$LOG" '^Moved [0-9]+ tasks from DSQ 0$' 3
}

@test "ops.init creates DSQ 0 once: the kernel runs it once and keeps the scheduler until SIGINT" {
	require_feature sched_ext
	scheduler
	assert_equal "$(cat /sys/kernel/sched_ext/state)" enabled
	assert_equal "$(run_cnt minimal_init)" 1
	stop_bg_output "$LOG"
	assert_output --partial 'Scheduler exited: kind 64 UNREG (unregistered from user space)'
}

@test "ops.dispatch moves tasks from DSQ 0: a 'Moved N' line a second, rising, N within the kernel's counts" {
	require_feature sched_ext
	local a b runs all
	scheduler
	a=$(grep -E '^Moved ' "$LOG" | sed -n '1s/^Moved \([0-9]*\) .*/\1/p')
	b=$(grep -E '^Moved ' "$LOG" | sed -n '3s/^Moved \([0-9]*\) .*/\1/p')
	runs=$(run_cnt minimal_dispatch)
	[ "$b" -gt "$a" ] || fail "the moved count did not rise: $a -> $b"
	[ "$b" -le "$runs" ] || fail "moved $b tasks in only $runs runs of ops.dispatch"
	stop_bg_output "$LOG"
	all=$(sed -n 's/^Dispatched \([0-9]*\) tasks in all.*/\1/p' <<<"$output")
	[ "$b" -le "$all" ] || fail "moved $b tasks, but only $all were enqueued"
}
