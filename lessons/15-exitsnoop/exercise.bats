#!/usr/bin/env bats
# Exercise 15 (README "Exercise"): -t reports every thread's exit, with a
# TID column.  Checked with a process we start (known PID) that runs one
# thread, which writes its own TID to a file, then exits with code 3.
load ../../tests/lib

BIN=$OUT/exitsnoop

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# Arguments: the file for the thread's TID.
# join() returns before the OS thread is gone: wait for its /proc entry, or
# exit(3) may end it first and its exit shows code 3.
THREADED='exec python3 -c "
import os, sys, threading, time
def run():
    with open(sys.argv[1], \"w\") as f:
        f.write(str(threading.get_native_id()))
t = threading.Thread(target=run)
t.start()
t.join()
while os.path.exists(\"/proc/self/task/%d\" % t.native_id):
    time.sleep(0.01)
sys.exit(3)
" "$1"'

@test "-t and --threads are options, and add a TID column after PID" {
	run "$BIN" -t --help
	assert_success
	run "$BIN" --threads --help
	assert_success
	assert_output --partial "--threads"
	run timeout -s INT 5 "$BIN" -t -d 1
	assert_success
	assert_line --index 1 --regexp '^COMM +PID +TID +PPID +AGE\(ms\) +CODE +SIG$'
}

@test "with -t a thread's exit shows its TID, and the process's its PID as TID, code 3" {
	local out=$BATS_TEST_TMPDIR/out pid tid
	gated proc "$THREADED" "$BATS_TEST_TMPDIR/tid"
	pid=$GATED_PID
	start_bg "$out" "$BIN" -t -p "$pid"
	wait_for_line "$out" '^COMM +PID +TID +PPID' 5
	release -w proc
	assert_equal "$STATUS" 3
	tid=$(cat "$BATS_TEST_TMPDIR/tid")
	[ "$tid" != "$pid" ] || fail "the thread has the process's ID: $tid"
	wait_for_line "$out" "^python3 +$pid +$pid " 3
	stop_bg_output "$out"
	assert_line --regexp "^[^ ]+ +$pid +$tid +$$ +[0-9]+\.[0-9]{3} +0 +0$"
	assert_line --regexp "^python3 +$pid +$pid +$$ +[0-9]+\.[0-9]{3} +3 +0$"
}
