#!/usr/bin/env bats
# Lesson 14: programs a launcher shell we control execs, with known arguments.
load ../../tests/lib

BIN=$OUT/execsnoop

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_launcher SCRIPT: a bash held until `release launcher`, then runs
# SCRIPT and exits 0.  With that exit last, bash execs no command of SCRIPT
# in its own place: every program is a forked child, with PPID LAUNCHER.
start_launcher() {
	gated launcher "$1; exit 0"
	LAUNCHER=$GATED_PID
}

# snoop ARGS...: run the loader, release the launcher, wait for more than
# $WANT - 1 lines whose PPID is the launcher's.
snoop() {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "$BIN" "$@"
	wait_for_line "$out" '^PCOMM +PID +PPID +UID +RET +ARGS$'
	release launcher
	wait "$LAUNCHER"
	wait_for_count "$out" "^[^ ]+ +[0-9]+ +$LAUNCHER " "$WANT"
	stop_bg_output "$out"
}

@test "an exec shows comm, PID, PPID, UID, result and argv (an empty one too)" {
	local pidfile=$BATS_TEST_TMPDIR/pid
	# The child writes its own PID, then execs echo in place: same PID.
	start_launcher "sh -c 'echo \$\$ >$pidfile; exec /bin/echo lesson14 one \"\" two'"
	WANT=2
	snoop
	local child
	child=$(cat "$pidfile")
	assert_line --regexp "^sh +$child +$LAUNCHER +0 +0 sh -c echo \\\$\\\$ >$pidfile; exec /bin/echo lesson14 one \"\" two$"
	# The empty argument is the two spaces between "one" and "two".
	assert_line --regexp "^echo +$child +$LAUNCHER +0 +0 /bin/echo lesson14 one  two$"
}

@test "arguments it cannot read show as ?, and the ones after them still count" {
	# execlit's child execs literals whose page it never touched: the BPF
	# program may not fault them in.  Each shows as itself or as "?".
	local out=$BATS_TEST_TMPDIR/out
	start_launcher "$OUT/execlit"
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^PCOMM +PID +PPID +UID +RET +ARGS$'
	release -w launcher
	wait_for_line "$out" '^true +[0-9]+ +[0-9]+ +0 +0 '
	stop_bg_output "$out"
	assert_line --regexp "^true +[0-9]+ +[0-9]+ +0 +0 (true|\?) (lesson14-a|\?) (lesson14-b|\?)$"
}

@test "a failed exec shows -ENOENT and the caller's comm" {
	start_launcher "/nonexistent/lesson14 arg1"
	WANT=1
	snoop
	assert_line --regexp "^bash +[0-9]+ +$LAUNCHER +0 +-2 /nonexistent/lesson14 arg1$"
}

@test "the UID is the one the program runs as" {
	start_launcher "setpriv --reuid=65534 /bin/true lesson14"
	WANT=2
	snoop
	assert_line --regexp "^setpriv +[0-9]+ +$LAUNCHER +0 +0 setpriv --reuid=65534 /bin/true lesson14$"
	assert_line --regexp "^true +[0-9]+ +$LAUNCHER +65534 +0 /bin/true lesson14$"
}

@test "-P shows only the children of one parent; -x only failures" {
	# Noise: another shell that keeps starting programs.
	bash -c 'while :; do /bin/true noise; sleep 0.02; done' 3>&- &
	_BG_PIDS+=("$!")
	start_launcher "/bin/true lesson14 ok; /nonexistent/lesson14; /bin/true lesson14 again"
	WANT=3
	snoop -P "$LAUNCHER"
	run grep -vE '^(Tracing|PCOMM)' <<<"$output"
	assert_equal "${#lines[@]}" 3
	refute_output --partial noise
	# Each CPU has its own perf buffer, read one after another: execs that
	# ran on different CPUs may print out of order.
	assert_line --regexp " +0 /bin/true lesson14 ok$"
	assert_line --regexp " +-2 /nonexistent/lesson14$"
	assert_line --regexp " +0 /bin/true lesson14 again$"

	start_launcher "/bin/true lesson14 ok; /nonexistent/lesson14"
	WANT=1
	snoop -P "$LAUNCHER" -x
	run grep -vE '^(Tracing|PCOMM)' <<<"$output"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^bash +[0-9]+ +$LAUNCHER +0 +-2 /nonexistent/lesson14$"
}

@test "long command lines are cut: 20 arguments, 127 bytes each, then ..." {
	local long
	long=$(printf 'x%.0s' {1..200})
	start_launcher "/bin/true $long $(echo {2..30})"
	WANT=1
	snoop -P "$LAUNCHER"
	assert_line --regexp "^true +[0-9]+ +$LAUNCHER +0 +0 /bin/true ${long:0:127} $(echo {2..19}) \\.\\.\\.$"
}

@test "bad input: one clear line, non-zero exit" {
	run "$BIN" -P notapid
	assert_bad_input "execsnoop: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "programs attached while it runs, gone after SIGTERM" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing execve'
	run "$BPFTOOL" prog show name execsnoop_enter
	assert_output --partial tracepoint
	run "$BPFTOOL" map show name events
	assert_output --partial perf_event_array
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name execsnoop_enter)\" ]" ||
		fail "execsnoop_enter still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
