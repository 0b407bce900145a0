#!/usr/bin/env bats
# Lesson 01: bpf_printk lines for write() calls of a process we control.
load ../../tests/lib

BIN=$OUT/helloworld
K=5

setup() {
	lesson_setup
	BUF_KB_BEFORE=$(buf_kb)
}
# A loader killed by a failing test cannot restore the buffer: do it here.
teardown() {
	lesson_teardown
	[ -z "${BUF_KB_BEFORE-}" ] || [ "$(buf_kb)" = "$BUF_KB_BEFORE" ] ||
		echo "$BUF_KB_BEFORE" >/sys/kernel/tracing/buffer_size_kb
}

# start_writer [N]: a shell held until `release writer`, then calls write()
# N (default K) times (echo is a builtin: no fork, so every write is from
# WRITER_PID).
start_writer() {
	gated writer 'for ((i = 0; i < $1; i++)); do echo x >/dev/null; done' "${1:-$K}"
	WRITER_PID=$GATED_PID
}

# buf_kb: the leading number of buffer_size_kb ("7 (expanded: 1408)" -> 7).
buf_kb() { sed -n '1s/^\([0-9]*\).*/\1/p' /sys/kernel/tracing/buffer_size_kb; }

# burst N ARGS...: the loader with -p WRITER ARGS, a burst of N writes, then
# Ctrl-C.  Sets RECEIVED (lines printed for the writer) and LOST (the sum of
# the loader's "lost N lines" reports).
# PAUSE=1: the loader is stopped (SIGSTOP) while the writer runs, so a small
# buffer overflows whatever the machine's speed.
burst() {
	local n=$1 out=$BATS_TEST_TMPDIR/out
	shift
	start_writer "$n"
	start_bg "$out" "$BIN" -p "$WRITER_PID" "$@"
	wait_for_line "$out" '^Tracing write\(\)'
	[ "${PAUSE:-0}" = 0 ] || kill -STOP "$BG_PID"
	release -w writer
	[ "${PAUSE:-0}" = 0 ] || kill -CONT "$BG_PID"
	# Lines still arriving are read within a poll; lost ones never come.
	wait_until 5 _at_least_lines "$out" "from PID $WRITER_PID\.$" "$n" || true
	stop_bg_output "$out"
	RECEIVED=$(grep -c "bpf_trace_printk: BPF triggered sys_enter_write from PID $WRITER_PID\.$" \
		<<<"$output" || true)
	LOST=$(sed -n 's/^helloworld: lost \([0-9]*\) lines (trace buffer overrun)$/\1/p' \
		<<<"$output" | awk '{ s += $1 } END { print s + 0 }')
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

@test "a burst of 600 writes: every line arrives, or the loss is reported exactly" {
	burst 600
	# The writer's own count is the oracle: each line is either printed or
	# counted by the kernel's overrun counters, never both, never neither.
	assert_equal "$((RECEIVED + LOST))" 600
}

@test "-b 4: a 4 KiB buffer overflows in a 3000-write burst, and exactly the lost lines are reported" {
	# Nobody reads while the 3000 lines are written: 4 KiB cannot hold them.
	PAUSE=1 burst 3000 -b 4
	assert [ "$LOST" -gt 0 ]
	assert_equal "$((RECEIVED + LOST))" 3000
}

# buffer_restored SIGNAL: buffer_size_kb is grown while the loader runs and
# back to its old value after SIGNAL.
buffer_restored() {
	local old out=$BATS_TEST_TMPDIR/out
	old=$(buf_kb)
	start_bg "$out" "$BIN" -p $$
	wait_for_line "$out" '^Tracing write\(\)'
	# Grown to 1024 KiB (the kernel rounds up to whole pages), or left alone
	# when it was bigger already.
	if [ "$old" -lt 1024 ]; then
		assert [ "$(buf_kb)" -ge 1024 ]
	else
		assert_equal "$(buf_kb)" "$old"
	fi
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	assert_equal "$(buf_kb)" "$old"
}

@test "the trace buffer is grown while running and restored after SIGINT" {
	buffer_restored INT
}

@test "the trace buffer is restored after SIGTERM, and after -d" {
	local old
	buffer_restored TERM
	old=$(buf_kb)
	run "$BIN" -p $$ -b 64 -d 1
	assert_success
	assert_equal "$(buf_kb)" "$old"
}

@test "bad -b: exit 64, one line" {
	run "$BIN" -b 0
	assert_bad_input "helloworld: invalid buffer size '0': out of range 1..1048576"
	run "$BIN" -b lots
	assert_bad_input "helloworld: invalid buffer size 'lots': want a whole number from 1 to 1048576"
	run "$BIN" --nosuch
	assert_bad_input "helloworld: unrecognized option '--nosuch'"
}

@test "not root: clear error" {
	run_as_nobody "$BIN" -d 1
	assert_failure 1
	assert_output --partial "must run as root"
}

# pipe_exclusive: a second open of trace_pipe fails with EBUSY while one is
# open (recent kernels); exit 1 when both opens succeed, 2 on anything else.
pipe_exclusive() {
	python3 - /sys/kernel/tracing/trace_pipe <<'PY'
import errno, os, sys
try:
    first = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
except OSError:
    sys.exit(2)
try:
    os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK))
except OSError as e:
    sys.exit(0 if e.errno == errno.EBUSY else 2)
sys.exit(1)
PY
}

@test "README: every Run it command works as written" {
	# The second terminal's cat fails as shown only where trace_pipe has one
	# reader at a time; older kernels let it read along (the README says so).
	local st=0
	pipe_exclusive || st=$?
	[ "$st" -ne 2 ] || fail "trace_pipe probe inconclusive: cannot open /sys/kernel/tracing/trace_pipe"
	[ "$st" -eq 0 ] || skip "kernel lacks one-reader trace_pipe: the README's second cat reads along instead of failing"
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
