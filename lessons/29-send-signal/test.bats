#!/usr/bin/env bats
# Lesson 29: gated processes (PIDs known before they act) do a forbidden
# thing; the offender must die by the chosen signal (its parent, this shell,
# sees 128+N), an innocent doing something else, or the same thing under
# another name or PID, must live (exit 0).
load ../../tests/lib

BIN=$OUT/send_signal
# PTRACE_TRACEME (0) through libc: harmless, portable, no syscall numbers.
PTRACE='import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)'

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	OUTF=$T/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^PID +TID +COMM +SIGNAL +TRIGGER$'
}

stop() { stop_bg_output "$OUTF"; }

@test "-p: ptrace() by that PID dies by -s USR1 (138); another PID doing the same lives" {
	gated offender 'exec python3 -c "$1"' "$PTRACE"
	local offender=$GATED_PID
	gated innocent 'exec python3 -c "$1"' "$PTRACE"
	local innocent=$GATED_PID
	start -p "$offender" -s USR1
	release -w innocent
	assert_equal "$STATUS" 0
	release -w offender
	assert_equal "$STATUS" $((128 + 10))
	wait_for_line "$OUTF" "^$offender "
	stop
	assert_line --index 0 "Sending SIGUSR1 to PID $offender calling ptrace(). Ctrl-C to stop."
	assert_line --regexp "^$offender +$offender +python3 +SIGUSR1 +ptrace\(0\)\$"
	refute_line --regexp "^$innocent "
}

@test "-c: only the process with that name dies (SIGTERM, 143); python3 lives" {
	# Same syscall, same program; the offender renames itself first
	# (prctl PR_SET_NAME = 15), so only the name tells them apart.
	gated offender 'exec python3 -c "$1"' \
		"import ctypes; ctypes.CDLL(None).prctl(15, b'offender', 0, 0, 0); $PTRACE"
	local offender=$GATED_PID
	gated innocent 'exec python3 -c "$1"' "$PTRACE"
	local innocent=$GATED_PID
	start -c offender -s TERM
	release -w offender
	assert_equal "$STATUS" $((128 + 15))
	release -w innocent
	assert_equal "$STATUS" 0
	wait_for_line "$OUTF" "^$offender "
	stop
	assert_line --regexp "^$offender +$offender +offender +SIGTERM +ptrace\(0\)\$"
	refute_line --regexp "^$innocent "
}

@test "-f: opening that file is fatal (default SIGKILL, 137), the open itself still happens" {
	local forbidden=$T/forbidden other=$T/other
	gated offender ': >"$1"; echo survived >"$2"' "$forbidden" "$T/note"
	local offender=$GATED_PID
	gated innocent ': >"$1"' "$other"
	local innocent=$GATED_PID
	start -f "$forbidden"
	release -w innocent
	assert_equal "$STATUS" 0
	release -w offender
	assert_equal "$STATUS" $((128 + 9))
	wait_for_line "$OUTF" "^$offender "
	stop
	assert_line --index 0 "Sending SIGKILL to any process opening $forbidden. Ctrl-C to stop."
	assert_line --regexp "^$offender +$offender +bash +SIGKILL +open $forbidden\$"
	refute_line --regexp "^$innocent "
	# The signal arrives on the way back to user space: openat(O_CREAT)
	# already ran, so the file exists, but nothing after it did.
	assert_file_exists "$forbidden"
	assert_file_exists "$other"
	assert_file_not_exists "$T/note"
}

@test "bad input: exit 64 with one line; not root: exit 1" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -s BOGUS
	assert_bad_input "send_signal: invalid signal 'BOGUS': want a name like KILL or a number 1-64"
	run "$BIN" -s 65
	assert_bad_input "send_signal: invalid signal '65': out of range 1..64"
	run "$BIN" -s SIG
	assert_bad_input "send_signal: invalid signal 'SIG': want a name like KILL or a number 1-64"
	run "$BIN" -c sixteen_chars_xx
	assert_bad_input "send_signal: invalid name 'sixteen_chars_xx': want 1 to 15 characters"
	run "$BIN" -p notapid
	assert_bad_input "send_signal: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -f ""
	assert_bad_input "send_signal: invalid path '': want 1 to 255 characters"
	cp "$BIN" "$T/send_signal"
	chmod 755 "$T" "$T/send_signal"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/send_signal" -c x
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: the program is gone afterwards" {
	start -c nosuchname
	run "$BPFTOOL" prog show name signal_ptrace
	assert_output --partial tracepoint
	# Only the trigger asked for is loaded.
	run "$BPFTOOL" prog show name signal_openat
	assert_output ""
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone signal_ptrace
}

@test "README: the commands in Run it work as shown" {
	local cmds run1 try1 run2 try2
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 4
	# Each loader, then what it stops: ptrace() by python3, cat's open.
	run1=${cmds[0]} try1=${cmds[1]} run2=${cmds[2]} try2=${cmds[3]}
	cd "$ROOT"
	OUTF=$T/out
	start_bg "$OUTF" bash -c "$run1"
	wait_for_line "$OUTF" '^PID +TID +COMM +SIGNAL +TRIGGER$' 60
	run bash -c "$try1"
	assert_equal "$status" $((128 + 10))
	refute_output --partial "still here"
	wait "$BG_PID"
	run cat "$OUTF"
	assert_line --regexp '^[0-9]+ +[0-9]+ +python3 +SIGUSR1 +ptrace\(0\)$'

	start_bg "$OUTF" bash -c "$run2"
	wait_for_line "$OUTF" '^PID +TID +COMM +SIGNAL +TRIGGER$'
	run bash -c "$try2"
	assert_equal "$status" $((128 + 9))
	refute_output --partial secret
	wait "$BG_PID"
	rm -f /tmp/forbidden
	run cat "$OUTF"
	assert_line --regexp '^[0-9]+ +[0-9]+ +cat +SIGKILL +open /tmp/forbidden$'
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
