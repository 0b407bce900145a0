#!/usr/bin/env bats
# Exercise 29 (README "Exercise"): -t, the signal for the calling thread
# only (bpf_send_signal_thread).  Checked with a gated two-thread python3
# whose second thread blocks SIGUSR1 and then calls ptrace(); that thread
# reads its own pending sets from /proc/thread-self/status: SigPnd (this
# thread's) and ShdPnd (the whole process's).
# STATUS is set by release -w.
# shellcheck disable=SC2153
load ../../tests/lib

BIN=$OUT/send_signal
# PTRACE_PEEKUSER (3) on PID 1, which we do not trace: ESRCH, no side
# effect; what counts is entering ptrace().
TWO_THREADS='
import ctypes, signal, threading

def worker():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    ctypes.CDLL(None).ptrace(3, 1, 0, 0)
    with open("/proc/thread-self/status") as f:
        pend = dict(l.rstrip("\n").split(":\t", 1) for l in f if "Pnd:" in l)
    print("worker", threading.get_native_id(), pend["SigPnd"], pend["ShdPnd"], flush=True)

t = threading.Thread(target=worker)
t.start()
t.join()
print("main lives", flush=True)
'

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# two_threads NAME: the gated python3 above; GATED_PID, output in $T/NAME.
two_threads() {
	# shellcheck disable=SC2016 # the gated shell expands these
	gated "$1" 'exec python3 -c "$1" >"$2" 2>&1' "$TWO_THREADS" "$T/$1"
}

# start ARGS...: the loader, once it is attached.
start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^PID +TID +COMM +SIGNAL +TRIGGER$'
}

@test "-t (--thread) is an option" {
	run "$BIN" -t --help
	assert_success
	run "$BIN" --thread --help
	assert_success
	assert_output --partial -- "--thread"
}

@test "-t -s USR1: the signal waits on the calling thread that blocks it, and the process lives" {
	local pid tid
	"$BIN" -t --help >/dev/null 2>&1 || fail "send_signal has no -t option"
	# Without -t, for contrast: a signal for the process goes to a thread
	# that does not block it (the main one), and SIGUSR1 ends the process.
	two_threads shared
	pid=$GATED_PID
	start -p "$pid" -s USR1
	release -w shared
	assert_equal "$STATUS" $((128 + 10))
	stop_bg_output "$T/out"

	two_threads victim
	pid=$GATED_PID
	start -t -p "$pid" -s USR1
	release -w victim
	assert_equal "$STATUS" 0
	run cat "$T/victim"
	# Pending on the worker (bit 10 = 0x200), not on the process.
	assert_line --regexp '^worker [0-9]+ 0000000000000200 0000000000000000$'
	assert_line "main lives"
	tid=$(sed -n 's/^worker \([0-9]*\) .*/\1/p' "$T/victim")
	[ "$tid" != "$pid" ] || fail "the worker is not a second thread"
	wait_for_line "$T/out" "^$pid "
	stop_bg_output "$T/out"
	assert_line --regexp "^$pid +$tid +python3 +SIGUSR1 +ptrace\(3\)\$"
}

@test "-t -s KILL: SIGKILL for one thread still ends the whole process (137)" {
	"$BIN" -t --help >/dev/null 2>&1 || fail "send_signal has no -t option"
	two_threads victim
	local pid=$GATED_PID
	start -t -p "$pid" -s KILL
	release -w victim
	assert_equal "$STATUS" $((128 + 9))
	# Neither thread got to print.
	assert_equal "$(cat "$T/victim")" ""
	wait_for_line "$T/out" "^$pid "
	stop_bg_output "$T/out"
	assert_line --regexp "^$pid +[0-9]+ +python3 +SIGKILL +ptrace\(3\)\$"
}
