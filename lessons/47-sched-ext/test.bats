#!/usr/bin/env bats
# Lesson 47: the scheduler against the kernel's own view of it:
# /sys/kernel/sched_ext (state, root/ops, enable_seq), a workload whose PID
# the test knows being counted, and the kernel's exit reason after SIGINT
# or after the scheduler reports an error.  Kernels without sched_ext
# (CONFIG_SCHED_CLASS_EXT off, like this 6.18 and Debian's 6.1/6.12) skip
# with the probe's reason and check the loader refuses with that reason.
load ../../tests/lib

BIN=$OUT/sched_ext
SCX=/sys/kernel/sched_ext

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# workload: a process that wakes up every 20 ms (each wakeup is an enqueue).
workload() {
	bash -c 'while :; do sleep 0.02; done' 3>&- &
	WPID=$!
	_BG_PIDS+=("$WPID")
}

start_scx() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^Scheduler minimal enabled with scx_bpf_(dsq_insert|dispatch)'
}

# nth_count N: the dispatch count in the Nth "Dispatched" line.
nth_count() { grep '^Dispatched [0-9]* tasks' "$OUTF" | sed -n "${1}s/^Dispatched \([0-9]*\) tasks.*/\1/p"; }

@test "enabled while it runs, counts the test's workload, disabled after SIGINT" {
	require_feature sched_ext
	local seq0 a b w
	seq0=$(cat "$SCX/enable_seq")
	workload
	start_scx -p "$WPID"
	# The kernel's view, not ours.
	assert_equal "$(cat "$SCX/state")" enabled
	assert_equal "$(cat "$SCX/root/ops")" minimal
	assert_equal "$(cat "$SCX/enable_seq")" $((seq0 + 1))
	grep -qx "$SCX/state: enabled" "$OUTF" || fail "loader did not show state enabled"
	grep -qx "$SCX/root/ops: minimal" "$OUTF" || fail "loader did not show root/ops"
	wait_for_count "$OUTF" '^Dispatched ' 3
	a=$(nth_count 1)
	b=$(nth_count 3)
	[ "$b" -gt "$a" ] || fail "dispatch count did not rise: $a -> $b"
	# The workload's own wakeups are counted (not every one: a wakeup that
	# finds an idle CPU goes there directly, without enqueue).
	w=$(grep '^Dispatched ' "$OUTF" | sed -n '3s/.*(PID [0-9]*: \([0-9]*\))$/\1/p')
	[ "$w" -gt 0 ] || fail "the workload (PID $WPID) was never counted: '$w'"
	stop_bg_output "$OUTF"
	assert_output --partial 'Scheduler exited: kind 64 UNREG (unregistered from user space), reason "unregistered from user space"'
	assert_line "$SCX/state: disabled"
	assert_equal "$(cat "$SCX/state")" disabled
	[ ! -e "$SCX/root" ] || fail "$SCX/root still there: $(cat "$SCX/root/ops")"
}

@test "an error from the scheduler: the kernel disables it, exit info printed, exit 1" {
	require_feature sched_ext
	workload
	OUTF=$BATS_TEST_TMPDIR/out
	run timeout 30 "$BIN" -f 200
	assert_equal "$status" 1
	assert_output --partial 'Scheduler exited: kind 1025 ERROR_BPF (scx_bpf_error), reason "scx_bpf_error", message "fail-after: 200 tasks dispatched"'
	assert_line --partial "sched_ext: the kernel disabled the scheduler: scx_bpf_error"
	assert_line "$SCX/state: disabled"
	assert_equal "$(cat "$SCX/state")" disabled
}

detach_after() {
	require_feature sched_ext
	start_scx
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$SCX/state")" disabled
	run "$BPFTOOL" struct_ops show
	refute_output --partial minimal_sched
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name minimal_enqueue)\" ]" ||
		fail "minimal_enqueue still loaded after SIG$1"
}

@test "SIGINT detaches everything" {
	detach_after INT
}

@test "SIGTERM detaches everything" {
	detach_after TERM
}

@test "SIGKILL: the struct_ops link dies with the process, the kernel falls back" {
	require_feature sched_ext
	start_scx
	stop_bg "$BG_PID" KILL
	wait_until 10 bash -c "[ \"\$(cat $SCX/state)\" = disabled ]" ||
		fail "state after SIGKILL: $(cat "$SCX/state")"
}

@test "no sched_ext here: the loader refuses with the probe's reason" {
	local why
	why=$(probe_reason sched_ext) || skip "this kernel has sched_ext"
	run "$BIN" -d 1
	assert_equal "$status" 1
	assert_output "sched_ext: kernel lacks sched_ext: $why"
}

@test "bad input: unknown option, bad PID, bad count, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -p nosuchpid
	assert_bad_input "sched_ext: invalid PID 'nosuchpid': want a whole number from 1 to 2147483647"
	run "$BIN" -f 0
	assert_bad_input "sched_ext: invalid count '0': out of range 1..1000000000"
	run "$BIN" -f 12x
	assert_equal "$status" 64
	assert_line --index 0 --partial "sched_ext: invalid count '12x'"
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "README: the commands of 'Run it'" {
	require_feature sched_ext
	readme_run 6
	grep -q '^Dispatched [0-9]* tasks' "$BATS_TEST_TMPDIR/readme-1.out" ||
		fail "no counts: $(cat "$BATS_TEST_TMPDIR/readme-1.out")"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	require_feature sched_ext
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
