#!/usr/bin/env bats
# Exercise 35 (README "Exercise"): --wakeup-every N, records submitted with
# BPF_RB_NO_WAKEUP except every Nth (BPF_RB_FORCE_WAKEUP).  Checked with
# exactly N execve() calls under a name we choose: the reader sees nothing
# until the Nth, then everything; what waits is still read at the stop.
load ../../tests/lib

BIN=$OUT/ringbuffer

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	cp /bin/bash "$T/execloop"
}
teardown() { lesson_teardown; }

execs() {
	"$T/execloop" -c "for ((i = 0; i < $1; i++)); do /bin/true; done" 3>&-
}

# seen: how many execloop events it has printed so far.
seen() { grep -cE '^[0-9]+ +execloop +/bin/true$' "$T/out"; }

wakeup_option() {
	"$BIN" --wakeup-every 10 --help >/dev/null 2>&1 || fail "no --wakeup-every option"
}

# batches API: 9 events wake nobody; the 10th wakes the reader for all 10.
batches() {
	wakeup_option
	start_bg "$T/out" "$BIN" -a "$1" -c execloop --wakeup-every 10
	wait_for_line "$T/out" '^PID +COMM +FILENAME$'
	execs 9
	sleep 1
	assert_equal "$(seen)" 0
	execs 1
	wait_until 5 bash -c "[ \"\$(grep -cE '^[0-9]+ +execloop' '$T/out')\" -ge 10 ]" ||
		fail "the 10th event did not wake the reader: $(seen) seen"
	assert_equal "$(seen)" 10
	execs 3
	stop_bg_output "$T/out"
	assert_equal "${lines[-1]}" "Received 13 events, dropped 0 (ring buffer full)"
}

@test "--wakeup-every is an option taking a count of at least 1" {
	run "$BIN" --wakeup-every 10 --help
	assert_success
	assert_output --partial "--wakeup-every"
	run "$BIN" --wakeup-every 0
	assert_failure 64
}

@test "--wakeup-every 10 (reserve): 9 events wait unseen, the 10th brings all 10, the stop the rest" {
	batches reserve
}

@test "--wakeup-every 10 (output): the same with bpf_ringbuf_output" {
	batches output
}
