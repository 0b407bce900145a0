#!/usr/bin/env bats
# Lesson 01: bpf_printk lines for write() calls of a process we control.
load ../../tests/lib

BIN=$OUT/helloworld
K=5

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_writer: a shell held until `release writer`, then calls write() K
# times (echo is a builtin: no fork, so every write is from WRITER_PID).
start_writer() {
	gated writer 'for ((i = 0; i < $1; i++)); do echo x >/dev/null; done' "$K"
	WRITER_PID=$GATED_PID
}

# trace: start the loader with ARGS, release the writer, wait for its lines.
trace() {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "$BIN" "$@"
	wait_for_line "$out" '^Tracing write\(\)'
	release writer
	wait "$WRITER_PID"
	wait_for_count "$out" "from PID $WRITER_PID\.$" "$K"
	stop_bg_output "$out"
}

@test "a process that writes K times shows up at least K times" {
	start_writer
	trace
	assert [ "$(grep -c "from PID $WRITER_PID\.$" <<<"$output")" -ge "$K" ]
	# trace_pipe's own prefix names the same task: comm-PID (or <...>-PID
	# when the kernel's comm cache has not seen the task yet).
	assert_output --regexp "(bash|<\.\.\.>)-$WRITER_PID +\[[0-9]+\].*bpf_trace_printk: BPF triggered sys_enter_write from PID $WRITER_PID\."
}

@test "with -p, no line carries another PID" {
	# Background noise: another writer the filter must hide.
	bash -c 'while :; do echo y >/dev/null; sleep 0.01; done' 3>&- &
	_BG_PIDS+=("$!")
	local noisy=$!
	start_writer
	trace -p "$WRITER_PID"
	assert_line --index 0 "Tracing write() by PID $WRITER_PID. Ctrl-C to stop."
	assert [ "$(grep -c 'bpf_trace_printk' <<<"$output")" -ge "$K" ]
	refute_output --partial "from PID $noisy."
	run grep -v "from PID $WRITER_PID\.$" <<<"$(grep bpf_trace_printk <<<"$output")"
	assert_output ""
}

@test "without -p, other processes show up too but never the loader itself" {
	bash -c 'while :; do echo y >/dev/null; sleep 0.01; done' 3>&- &
	_BG_PIDS+=("$!")
	local noisy=$!
	start_writer
	trace
	assert_output --partial "from PID $noisy."
	refute_output --partial "from PID $BG_PID."
}

@test "bad -p: clear error, non-zero exit" {
	run "$BIN" -p notapid
	assert_bad_input "helloworld: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -p 0
	assert_bad_input "helloworld: invalid PID '0': out of range 1..2147483647"
	# A PID nobody has: spawn and reap a process, so its PID is free.
	local gone
	bash -c 'exit 0' & gone=$!
	wait "$gone"
	run "$BIN" -p "$gone"
	assert_bad_input "helloworld: invalid PID '$gone': no such process"
}

@test "nothing stays attached after Ctrl-C" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing write\(\)'
	run "$BPFTOOL" prog show name handle_tp
	assert_output --partial "tracepoint"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name handle_tp)\" ]" ||
		fail "handle_tp still loaded"
}
