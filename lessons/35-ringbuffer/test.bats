#!/usr/bin/env bats
# Lesson 35: execve() calls by processes whose PIDs we know (gated shells
# that exec /bin/true), and bursts of exactly N calls under a name we choose
# into a buffer nobody reads.  Oracles: the PIDs and N themselves, and the
# ring buffer's documented record layout (8-byte header, 8-byte aligned).
load ../../tests/lib

BIN=$OUT/ringbuffer

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	cp /bin/bash "$T/execloop"
}
teardown() { lesson_teardown; }

start() { start_bin '^Tracing execve\(\)' "$@"; }
stop() { stop_bg_output "$T/out"; }

# execs N: exactly N execve() calls by processes named execloop.
execs() {
	"$T/execloop" -c "for ((i = 0; i < $1; i++)); do /bin/true; done" 3>&-
}

# five_execs API: five gated shells exec /bin/true; each is reported once,
# with its PID, its comm (still "bash": the exec has not happened) and the file.
five_execs() {
	local pids=() pid i
	start -a "$1"
	wait_for_line "$T/out" '^PID +COMM +FILENAME$'
	for i in 1 2 3 4 5; do
		gated "g$i" 'exec /bin/true'
		pids+=("$GATED_PID")
	done
	for i in 1 2 3 4 5; do
		release -w "g$i"
		assert_equal "$STATUS" 0
	done
	for pid in "${pids[@]}"; do
		wait_for_line "$T/out" "^$pid +bash +/bin/true$"
	done
	stop
	for pid in "${pids[@]}"; do
		# (Its earlier line, if any, is the exec of the gated shell itself.)
		assert_equal "$(grep -cE "^$pid +bash +/bin/true$" <<<"$output")" 1
	done
	# Its own tally agrees with the lines it printed; nothing was lost.
	assert_equal "${lines[-1]}" "Received $(grep -cE '^[0-9]+ ' <<<"$output") events, dropped 0 (ring buffer full)"
}

@test "reserve/submit: N execs are N events with the right PID, comm and file" {
	five_execs reserve
	assert_line --index 0 "Tracing execve() through a 262144-byte ring buffer (bpf_ringbuf_reserve/submit). Ctrl-C to stop."
}

@test "bpf_ringbuf_output: the same N events" {
	five_execs output
	assert_line --index 0 "Tracing execve() through a 262144-byte ring buffer (bpf_ringbuf_output). Ctrl-C to stop."
}

# overflow API: 100 calls into a 4096-byte buffer nobody reads yet.
overflow() {
	local got
	start -a "$1" -c execloop --size 4096 --consume-delay 600
	wait_for_line "$T/out" '^Not reading for 600 s\.$'
	execs 100
	stop # Ctrl-C ends the wait; what is in the buffer is read, then the tally
	got=$(grep -cE '^[0-9]+ +execloop +/bin/true$' <<<"$output")
	# 84-byte events take 96 bytes each (8-byte header, 8-byte alignment):
	# 42 fit in 4096 bytes, the other 58 were dropped and counted.
	assert_equal "$got" 42
	assert_equal "${lines[-1]}" "Received $got events, dropped $((100 - got)) (ring buffer full)"
}

@test "a full buffer (reserve): drops counted BPF-side == requested - received" {
	overflow reserve
}

@test "a full buffer (output): drops counted BPF-side == requested - received" {
	overflow output
}

@test "drops are reported while it runs, not only at the end" {
	start -c execloop --size 4096
	wait_for_line "$T/out" '^PID +COMM +FILENAME$'
	# A reader that stops reading for a while: stopped, whatever the
	# machine's speed.  42 of the 60 events fit (see overflow).
	kill -STOP "$BG_PID"
	execs 60
	kill -CONT "$BG_PID"
	wait_for_line "$T/out" '^Dropped 18 events so far: the ring buffer was full$'
	stop
	assert_equal "${lines[-1]}" "Received 42 events, dropped 18 (ring buffer full)"
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" --size 5000
	assert_failure 64
	assert_line --index 0 "ringbuffer: invalid size '5000': want a power of 2, a multiple of $(getconf PAGESIZE)"
	run "$BIN" --size 1024
	assert_failure 64
	assert_line --index 0 "ringbuffer: invalid size '1024': out of range 4096..1073741824"
	run "$BIN" -a copy
	assert_failure 64
	assert_line --index 0 "ringbuffer: invalid API 'copy': want one of reserve, output"
	run "$BIN" --consume-delay soon
	assert_failure 64
	run "$BIN" -c ''
	assert_failure 64
	run "$BIN" --bogus
	assert_failure 64
	cp "$BIN" "$T/ringbuffer"
	chmod 755 "$T" "$T/ringbuffer"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/ringbuffer"
	assert_failure 1
	assert_output --partial "ringbuffer: must run as root"
}

@test "SIGINT/SIGTERM detach everything: no program of ours stays loaded" {
	start
	run "$BPFTOOL" prog show name execve_event
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	start -a output
	stop
	wait_prog_gone execve_event
}

@test "every command in the README's Run it section works as written" {
	local n
	readme_run 5
	for n in "${!README_RAN[@]}"; do
		run cat "$BATS_TEST_TMPDIR/readme-$n.out"
		assert_output --regexp "Received [0-9]+ events, dropped [0-9]+ \(ring buffer full\)"
	done
	assert [ "${#README_RAN[@]}" -ge 3 ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
