#!/usr/bin/env bats
# Exercise 30 (README "Exercise"): -p PORT, a .rodata port that sockops_add
# checks before adding a socket, so only connections with PORT at one end
# are redirected.  Checked as test.bats does: xfer.py, moved into the
# cgroup, sends 4 MiB in a netns of our own whose lo counters
# (ip -s link) tell a redirected transfer (a handful of packets) from a
# normal one (>= 64: a lo skb carries at most 64 KiB).
load ../../tests/lib
load ../../tests/cgroup

BIN=$OUT/sockops
XFER=$LESSON_DIR/xfer.py
SIZE=$((4 << 20))
PORT=47031
OTHER=47032

setup() {
	lesson_setup
	cgroup_setup lsn30x
	netns_setup
}
teardown() { cgroup_teardown; }

lo_tx() {
	ip -n "$NS" -s link show dev lo | awk '/TX:/ { getline; print $2; exit }'
}

# xfer_in_cgroup NAME PORT: xfer.py on PORT in the test netns, as a process
# moved into $CG before it starts; STATUS its exit, $T/NAME its output.
xfer_in_cgroup() {
	gated "$1" "exec ${IN_NS[*]} python3 $XFER $SIZE --port $2 >$BATS_TEST_TMPDIR/$1 2>&1"
	echo "$GATED_PID" >"$CG/cgroup.procs"
	release -w "$1"
	run cat "$BATS_TEST_TMPDIR/$1"
	assert_output --regexp "^sent $SIZE bytes sha256 ([0-9a-f]+), received $SIZE bytes sha256 \\1: intact$"
}

# counters: the loader's line printed after everything the test did.
counters() {
	local t
	t=$(count_lines "$LOG" '^sockets added')
	wait_for_count "$LOG" '^sockets added' $((t + 1))
	tail -1 "$LOG"
}

@test "-p PORT and --port PORT are options; a bad PORT is one line, exit 64" {
	run "$BIN" -p 8080 --help
	assert_success
	run "$BIN" --port 8080 --help
	assert_success
	assert_output --partial -- "--port"
	run "$BIN" -p http
	assert_bad_input "sockops: invalid port 'http': want a whole number from 1 to 65535"
	run "$BIN" -p 65536
	assert_bad_input "sockops: invalid port '65536': out of range 1..65535"
}

@test "-p PORT: a transfer on another port takes the normal TCP path, one on PORT is redirected" {
	local tx0 tx
	"$BIN" -p 1 --help >/dev/null 2>&1 || fail "sockops has no -p option"
	LOG=$BATS_TEST_TMPDIR/out
	start_bg "$LOG" "$BIN" -c "$CG" -p "$PORT"
	wait_for_line "$LOG" '^Redirecting loopback TCP of cgroup '

	# In the cgroup but on another port: not added, real TCP segments.
	tx0=$(lo_tx)
	xfer_in_cgroup other "$OTHER"
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -ge 64 ] || fail "port $OTHER was redirected: lo sent $tx packets for 4 MiB, want >= 64"
	assert_equal "$(counters)" "sockets added 0 (failed 0), redirected 0 msgs 0 bytes, passed 0 msgs"

	# On PORT: both ends added, the bytes never reach lo.
	tx0=$(lo_tx)
	xfer_in_cgroup port "$PORT"
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -lt 16 ] || fail "port $PORT not redirected: lo sent $tx packets for 4 MiB"
	run counters
	assert_output --regexp "^sockets added 2 \\(failed 0\\), redirected [1-9][0-9]* msgs $SIZE bytes, passed 0 msgs$"
	stop_bg_output "$LOG"
}
