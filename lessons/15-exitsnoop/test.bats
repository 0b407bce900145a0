#!/usr/bin/env bats
# Lesson 15: processes we start and end in known ways, checked against what
# wait(2) tells their parent (this test shell).
load ../../tests/lib

BIN=$OUT/exitsnoop
AGE='[0-9]+\.[0-9]{3}'

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# Workloads are gated processes (tests/lib.bash), children of this shell;
# --sh makes their comm "sh".  `release -w` reaps one and sets STATUS to the
# exit status its parent sees.

# snoop_start ARGS...: start the loader and wait until it is attached.
snoop_start() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^COMM +PID +PPID +AGE\(ms\) +CODE +SIG$'
}

# snoop_stop: Ctrl-C the loader; output and lines are what it printed.
snoop_stop() { stop_bg_output "$OUTF"; }

@test "exit 7 is reported with PID, parent, code 7, no signal" {
	snoop_start
	gated --sh g 'exit 7'
	release -w g
	assert_equal "$STATUS" 7
	wait_for_line "$OUTF" "^sh +$GATED_PID "
	snoop_stop
	assert_line --regexp "^sh +$GATED_PID +$BASHPID +$AGE +7 +0$"
}

@test "a process killed by a signal: code 0, the signal's number" {
	sleep 1000 3>&- &
	local victim=$!
	_BG_PIDS+=("$victim")
	# Wait for the exec, so the comm is sleep's and not the forked shell's.
	wait_until 10 grep -qx sleep "/proc/$victim/comm"
	snoop_start -p "$victim"
	kill -USR2 "$victim"
	STATUS=0
	wait "$victim" || STATUS=$?
	assert_equal "$STATUS" $((128 + 12))
	wait_for_line "$OUTF" "^sleep +$victim "
	snoop_stop
	assert_line --regexp "^sleep +$victim +$BASHPID +$AGE +0 +12$"
}

@test "a threaded process is reported once, when its leader exits" {
	# One extra thread that ends first; then the process exits with 5.
	gated perl 'exec perl -Mthreads -e "threads->create(sub { 1 })->join; exit 5"'
	local perl=$GATED_PID
	snoop_start -p "$perl"
	release -w perl
	assert_equal "$STATUS" 5
	wait_for_line "$OUTF" "^perl +$perl "
	snoop_stop
	assert_equal "$(grep -cE "^perl +$perl " <<<"$output")" 1
	assert_line --regexp "^perl +$perl +$BASHPID +$AGE +5 +0$"
}

@test "-x hides clean exits" {
	snoop_start -x
	gated --sh ok 'exit 0'
	local ok=$GATED_PID
	gated --sh fail 'exit 3'
	release -w ok
	assert_equal "$STATUS" 0
	release -w fail
	assert_equal "$STATUS" 3
	wait_for_line "$OUTF" "^sh +$GATED_PID "
	snoop_stop
	assert_line --regexp "^sh +$GATED_PID +$BASHPID +$AGE +3 +0$"
	refute_line --regexp "^sh +$ok "
	# And nothing that exited cleanly, from anyone.
	refute_line --regexp " +0 +0$"
}

@test "every line is well-formed: AGE is a non-negative number" {
	snoop_start
	for i in 1 2 3; do
		gated --sh g "exit $i"
		release -w g
	done
	wait_for_line "$OUTF" "^sh +$GATED_PID "
	snoop_stop
	local n=0 line
	for line in "${lines[@]:2}"; do
		[[ $line =~ ^.{16}\ [0-9]+\ +[0-9]+\ +($AGE)\ +[0-9]+\ +[0-9]+( \(core dumped\))?$ ]] ||
			fail "malformed line: '$line'"
		n=$((n + 1))
	done
	assert [ "$n" -ge 3 ]
}

@test "bad input: one clear line, non-zero exit" {
	run "$BIN" -p notapid
	assert_bad_input "exitsnoop: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	local gone
	sh -c 'exit 0' &
	gone=$!
	wait "$gone"
	run "$BIN" -p "$gone"
	assert_bad_input "exitsnoop: invalid PID '$gone': no such process"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "attached while it runs, gone after SIGTERM" {
	snoop_start
	run "$BPFTOOL" prog show name exitsnoop_exit
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name exitsnoop_exit)\" ]" ||
		fail "exitsnoop_exit still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
