#!/usr/bin/env bats
# Lesson 33: numbers the test chooses go user -> kernel through a user ring
# buffer; the kernel half's totals and its echoes (kernel -> user) must be
# exactly what was sent, once each, in order.
load ../../tests/lib

BIN=$OUT/user_ringbuf

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() {
	exec 5>&- 2>/dev/null || true
	lesson_teardown
}

# Samples per drain when the buffer fills: each record is an 8-byte header
# plus the 16-byte struct urb_sample, so SIZE / 24 fit.
per_drain() { echo $(($1 / 24)); }

@test "VALUEs on the command line: consumed once, in order, echoed back, totals match" {
	require_feature map_type:user_ringbuf
	run "$BIN" -- 10 20 -5 0 9000000000000000000
	assert_success
	assert_line --index 0 "Sending samples through a 4096-byte user ring buffer; the kernel drains it when we call getpid()."
	assert_line --index 1 --regexp '^SEQ +VALUE +DRAIN$'
	# SEQ VALUE DRAIN: one doorbell after the last sample drained them all.
	assert_equal "$(sed -n '3,7p' <<<"$output" | awk '{ print $1, $2, $3 }' | paste -sd,)" \
		"0 10 1,1 20 1,2 -5 1,3 0 1,4 9000000000000000000 1"
	assert_line "sent:   5 samples, sum 9000000000000000025"
	assert_line "kernel: 5 samples, sum 9000000000000000025, 0 out of order, 0 short, 1 drain calls"
}

@test "10000 samples through a one-page buffer: drained whenever full, none lost or reordered" {
	require_feature map_type:user_ringbuf
	local n=10000 per
	per=$(per_drain 4096)
	seq "$n" | "$BIN" >"$T/out"
	# Echoes: SEQ 0..n-1 with VALUE 1..n, in that order, each exactly once.
	diff <(seq 0 $((n - 1)) | awk '{ print $1, $1 + 1 }') \
		<(awk '$1 ~ /^[0-9]+$/ { print $1, $2 }' "$T/out")
	# Drain k took samples (k-1)*per .. k*per-1: a full buffer each time.
	run awk -v per="$per" '$1 ~ /^[0-9]+$/ && $3 != int($1 / per) + 1' "$T/out"
	assert_output ""
	run cat "$T/out"
	assert_line "sent:   $n samples, sum $((n * (n + 1) / 2))"
	assert_line "kernel: $n samples, sum $((n * (n + 1) / 2)), 0 out of order, 0 short, $(((n + per - 1) / per)) drain calls"
}

@test "-s 16384: four times the room, 682 samples per drain" {
	require_feature map_type:user_ringbuf
	local n=3000 per
	per=$(per_drain 16384)
	run bash -c "seq $n | '$BIN' -s 16384"
	assert_success
	assert_line --index 0 --partial "a 16384-byte user ring buffer"
	assert_line --regexp "^kernel: $n samples, sum $((n * (n + 1) / 2)), 0 out of order, 0 short, $(((n + per - 1) / per)) drain calls\$"
}

@test "bad input: exit 64 with one line; not root: exit 1" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -s 1000
	assert_bad_input "user_ringbuf: invalid size '1000': out of range 4096..1073741824"
	run "$BIN" -s 12288
	assert_bad_input "user_ringbuf: invalid size '12288': not a power of 2"
	run "$BIN" 1 two 3
	assert_bad_input "user_ringbuf: invalid value 'two': want a whole number from -9223372036854775808 to 9223372036854775807"
	cp "$BIN" "$T/user_ringbuf"
	chmod 755 "$T" "$T/user_ringbuf"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/user_ringbuf" 1
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "bad stdin: exit 1 naming the line, once the ring buffer is there to read into" {
	require_feature map_type:user_ringbuf
	run bash -c "printf '1\nx2\n' | '$BIN'"
	assert_equal "$status" 1
	assert_output --partial "user_ringbuf: invalid value 'x2' on line 2 of standard input"
}

# read_all FIFO PID: nothing left unread in FIFO, and PID is sleeping.
read_all() {
	local unread
	unread=$(python3 -c 'import fcntl, struct, termios
print(struct.unpack("i", fcntl.ioctl(0, termios.FIONREAD, b"0000"))[0])' <"$1")
	[ "$unread" = 0 ] && [ "$(awk '{ print $3 }' "/proc/$2/stat")" = S ]
}

@test "SIGTERM while waiting for input: what was sent is drained, then everything is gone" {
	require_feature map_type:user_ringbuf
	mkfifo "$T/in"
	exec 5<>"$T/in"
	OUTF=$T/out
	start_bg "$OUTF" bash -c 'exec "$0" <"$1"' "$BIN" "$T/in"
	wait_for_line "$OUTF" '^SEQ +VALUE +DRAIN$'
	printf '7\n8\n' >&5
	run "$BPFTOOL" map list
	assert_output --partial "user_ringbuf  name samples"
	run "$BPFTOOL" prog show name drain_samples
	assert_output --partial tracepoint
	# Stop it only once it has read both lines (the fifo is empty) and
	# is asleep in the next read (submitting never sleeps).
	wait_until 10 read_all "$T/in" "$BG_PID" || fail "loader did not read its input"
	stop_bg "$BG_PID" TERM
	exec 5>&-
	assert_equal "$STATUS" 0
	run cat "$OUTF"
	assert_line "kernel: 2 samples, sum 15, 0 out of order, 0 short, 1 drain calls"
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name drain_samples)\" ]" ||
		fail "drain_samples still loaded"
}

@test "README: the commands in Run it work as shown" {
	require_feature map_type:user_ringbuf
	local cmds c1 c2 c3
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 3
	c1=${cmds[0]} c2=${cmds[1]} c3=${cmds[2]}
	cd "$ROOT"
	run timeout 60 bash -c "$c1"
	assert_success
	assert_line "kernel: 3 samples, sum 6, 0 out of order, 0 short, 1 drain calls"
	run timeout 30 bash -c "$c2"
	assert_success
	assert_line "kernel: 1000 samples, sum 500500, 0 out of order, 0 short, 6 drain calls"
	run timeout 30 bash -c "$c3"
	assert_success
	assert_output "kernel: 1000 samples, sum 500500, 0 out of order, 0 short, 1 drain calls"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
