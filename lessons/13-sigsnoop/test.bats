#!/usr/bin/env bats
# Lesson 13: kill() calls made by a shell we control, to targets we started.
load ../../tests/lib

BIN=$OUT/sigsnoop

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_target: a sleeping process to send signals to.  Sets TARGET.
start_target() {
	sleep 1000 3>&- &
	TARGET=$!
	_BG_PIDS+=("$TARGET")
}

# gone_pid: a PID nobody has (a reaped child's).
gone_pid() {
	bash -c 'exit 0' &
	GONE=$!
	wait "$GONE"
}

# start_sender SCRIPT: a bash held until `release sender`, then runs SCRIPT
# and exits 0.  Its kills are builtins, so every kill() comes from SENDER.
start_sender() {
	gated sender "$1; exit 0"
	SENDER=$GATED_PID
}

# snoop ARGS...: run the loader, release the sender, wait for N=$WANT lines.
snoop() {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "$BIN" "$@"
	wait_for_line "$out" '^PID +COMM +SIG +TPID +RESULT$'
	release sender
	wait "$SENDER"
	wait_for_count "$out" "^$SENDER " "$WANT"
	stop_bg_output "$out"
}

@test "each kill() shows sender, comm, signal, target and result" {
	start_target
	local t1=$TARGET
	start_target
	local t2=$TARGET
	gone_pid
	start_sender "kill -USR1 $t1; kill -TERM $t2; kill -0 $GONE"
	WANT=3
	snoop
	assert_line --regexp "^$SENDER +bash +10 +$t1 +0$"
	assert_line --regexp "^$SENDER +bash +15 +$t2 +0$"
	# No such process: kill() returns -ESRCH.
	assert_line --regexp "^$SENDER +bash +0 +$GONE +-3$"
	assert_equal "$(grep -c "^$SENDER " <<<"$output")" 3
	# Oracle for the signals: how the targets died.
	local st=0
	wait "$t1" || st=$?
	assert_equal "$st" $((128 + 10))
	st=0
	wait "$t2" || st=$?
	assert_equal "$st" $((128 + 15))
}

@test "-p shows only the sender we name" {
	start_target
	# Noise: another shell that keeps probing the target.
	bash -c "while :; do kill -0 $TARGET; sleep 0.01; done" 3>&- &
	_BG_PIDS+=("$!")
	local noisy=$!
	start_sender "kill -CONT $TARGET; kill -CONT $TARGET"
	WANT=2
	snoop -p "$SENDER"
	run grep -vE '^(Tracing|PID +COMM)' <<<"$output"
	assert_equal "$(grep -c . <<<"$output")" 2
	refute_output --regexp "^$noisy "
	assert_line --index 0 --regexp "^$SENDER +bash +18 +$TARGET +0$"
}

@test "-s filters by signal number" {
	start_target
	start_sender "kill -CONT $TARGET; kill -0 $TARGET; kill -CONT $TARGET"
	WANT=2
	snoop -p "$SENDER" -s 18
	assert_equal "$(grep -c "^$SENDER " <<<"$output")" 2
	refute_line --regexp "^$SENDER +bash +0 "
}

@test "-x shows only failed calls" {
	start_target
	gone_pid
	start_sender "kill -CONT $TARGET; kill -HUP $GONE"
	WANT=1
	snoop -p "$SENDER" -x
	assert_equal "$(grep -c "^$SENDER " <<<"$output")" 1
	assert_line --regexp "^$SENDER +bash +1 +$GONE +-3$"
}

@test "bad input: one clear line, non-zero exit" {
	run "$BIN" -p notapid
	assert_bad_input "sigsnoop: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	gone_pid
	run "$BIN" -p "$GONE"
	assert_bad_input "sigsnoop: invalid PID '$GONE': no such process"
	# Linux has signals 1..64 (NSIG - 1) on every architecture we run.
	run "$BIN" -s 99
	assert_bad_input "sigsnoop: invalid signal '99': out of range 1..64"
	run "$BIN" -s KILL
	assert_bad_input "sigsnoop: invalid signal 'KILL': want a whole number from 1 to 64"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "both programs are attached while it runs, gone after SIGTERM" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing kill'
	run "$BPFTOOL" prog show name sig_kill_enter
	assert_output --partial tracepoint
	run "$BPFTOOL" prog show name sig_kill_exit
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name sig_kill_enter)\" ]" ||
		fail "sig_kill_enter still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
