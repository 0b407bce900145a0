#!/usr/bin/env bats
# Exercise 13 (README "Exercise"): tkill() and tgkill() too, each shown like
# a kill() with the target thread as TPID.  Checked with a process we start
# (known PID, one thread) that signals itself once through each call.
load ../../tests/lib

BIN=$OUT/sigsnoop

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# SIGURG (23) and SIGWINCH (28) are ignored by default, and have the same
# numbers on x86 and arm64.  pthread_kill() is glibc's tgkill(); tkill() has
# no wrapper, so it is syscall(2) by number.
SENDER='exec python3 -c "
import ctypes, os, platform, signal, threading
signal.pthread_kill(threading.get_ident(), signal.SIGURG)
nr = {\"x86_64\": 200, \"aarch64\": 130}[platform.machine()]
ctypes.CDLL(None, use_errno=True).syscall(nr, os.getpid(), signal.SIGWINCH)
"'

@test "pthread_kill() (tgkill) and tkill() show sender, comm, signal, target thread and result" {
	local out=$BATS_TEST_TMPDIR/out pid
	gated sender "$SENDER"
	pid=$GATED_PID
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^PID +COMM +SIG +TPID +RESULT$' 5
	release -w sender
	assert_equal "$STATUS" 0
	wait_for_count "$out" "^$pid " 2 3
	stop_bg_output "$out"
	# One thread: its thread ID is the PID.
	assert_line --regexp "^$pid +python3 +23 +$pid +0$"
	assert_line --regexp "^$pid +python3 +28 +$pid +0$"
}

@test "-x shows a failed tgkill(): a thread that is gone gives -3 (ESRCH)" {
	local out=$BATS_TEST_TMPDIR/out pid gone
	bash -c 'exit 0' &
	gone=$!
	wait "$gone"
	# os.kill is kill(), pthread_kill a tgkill() to a thread of ours only:
	# reach a gone thread through tgkill(2) by number too.
	gated sender 'exec python3 -c "
import ctypes, os, platform, sys
nr = {\"x86_64\": 234, \"aarch64\": 131}[platform.machine()]
ctypes.CDLL(None, use_errno=True).syscall(nr, os.getpid(), int(sys.argv[1]), 0)
" "$1"' "$gone"
	pid=$GATED_PID
	start_bg "$out" "$BIN" -x
	wait_for_line "$out" '^PID +COMM +SIG +TPID +RESULT$' 5
	release -w sender
	wait_for_count "$out" "^$pid " 1 3
	stop_bg_output "$out"
	assert_line --regexp "^$pid +python3 +0 +$gone +-3$"
}
