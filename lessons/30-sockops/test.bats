#!/usr/bin/env bats
# Lesson 30: a process the test moves into the cgroup sends 4 MiB over a
# loopback TCP connection inside a private netns.  The data arrives intact
# (SHA-256), the counters say 2 sockets and 4 MiB redirected, and that
# netns' lo transmits fewer packets than 4 MiB would need (>= 64 of at most
# 64 KiB): the bytes never became TCP segments.  The same transfer from
# outside the cgroup is counted nowhere and does use >= 64 packets.
load ../../tests/lib
load ../../tests/cgroup

BIN=$OUT/sockops
XFER=$LESSON_DIR/xfer.py
SIZE=$((4 << 20))

setup() {
	lesson_setup
	cgroup_setup lsn30
	# A netns of our own: its lo carries only this test's packets.
	netns_setup
}

teardown() { cgroup_teardown; }

start_loader() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^Redirecting loopback TCP of cgroup '
	LOADER_PID=$BG_PID
}

lo_tx() {
	ip -n "$NS" -s link show dev lo | awk '/TX:/ { getline; print $2; exit }'
}

# in_cgroup NAME ARGS...: xfer.py ARGS in the test netns, as a process moved
# into $CG before it starts; its output in $BATS_TEST_TMPDIR/NAME.
in_cgroup() {
	local name=$1
	shift
	gated "$name" "exec ${IN_NS[*]} python3 $XFER $* >$BATS_TEST_TMPDIR/$name 2>&1"
	echo "$GATED_PID" >"$CG/cgroup.procs"
	release "$name"
}

# release_wait NAME: reap the released gated process NAME; sets STATUS.
release_wait() {
	STATUS=0
	wait "${_GATED[$1]}" || STATUS=$?
}

# last_counters: the loader's line printed after everything the test did.
last_counters() {
	local t
	t=$(count_lines "$OUTF" '^sockets added')
	wait_for_count "$OUTF" '^sockets added' $((t + 1))
	tail -1 "$OUTF"
}

ZERO="sockets added 0 (failed 0), redirected 0 msgs 0 bytes, passed 0 msgs"

@test "in the cgroup: 4 MiB redirected intact, lo barely used; outside: untouched" {
	local tx0 tx
	start_loader -c "$CG"
	assert_equal "$(head -1 "$OUTF")" "Redirecting loopback TCP of cgroup $CG (new). Ctrl-C to stop."

	# Outside the cgroup first: the normal TCP path, counted nowhere.
	tx0=$(lo_tx)
	run "${IN_NS[@]}" python3 "$XFER" "$SIZE"
	assert_success
	assert_output --regexp ": intact$"
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -ge 64 ] || fail "outside the cgroup lo sent $tx packets for 4 MiB, want >= 64"
	assert_equal "$(last_counters)" "$ZERO"

	tx0=$(lo_tx)
	in_cgroup inside "$SIZE"
	release_wait inside
	assert_equal "$STATUS" 0
	run cat "$BATS_TEST_TMPDIR/inside"
	assert_output --regexp "^sent $SIZE bytes sha256 ([0-9a-f]+), received $SIZE bytes sha256 \\1: intact$"
	# Handshake and FIN exchange only (7 on 6.x), no data segments.
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -lt 16 ] || fail "redirected, lo still sent $tx packets for 4 MiB"
	run last_counters
	assert_output --regexp "^sockets added 2 \\(failed 0\\), redirected [1-9][0-9]* msgs $SIZE bytes, passed 0 msgs$"
	stop_bg_output "$OUTF"
	assert [ ! -e "$CG" ]
}

@test "one end outside the cgroup: that socket is not added, data passes the normal way" {
	local port=47030
	start_loader -c "$CG"
	# A server outside the cgroup; the client inside.
	start_bg "$BATS_TEST_TMPDIR/server" "${IN_NS[@]}" python3 -c '
import hashlib, socket, sys
s = socket.create_server(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
c, _ = s.accept()
h, n = hashlib.sha256(), 0
while chunk := c.recv(65536):
    h.update(chunk)
    n += len(chunk)
print(n, h.hexdigest(), flush=True)' "$port"
	wait_for_line "$BATS_TEST_TMPDIR/server" '^listening'
	head -c "$SIZE" /dev/urandom >"$BATS_TEST_TMPDIR/data"
	gated client "exec ${IN_NS[*]} python3 -c 'import socket, sys; c = socket.create_connection((\"127.0.0.1\", $port)); c.sendall(open(sys.argv[1], \"rb\").read()); c.close()' $BATS_TEST_TMPDIR/data"
	echo "$GATED_PID" >"$CG/cgroup.procs"
	release -w client
	assert_equal "$STATUS" 0
	wait_for_line "$BATS_TEST_TMPDIR/server" "^$SIZE "
	assert_equal "$(tail -1 "$BATS_TEST_TMPDIR/server")" "$SIZE $(sha256sum <"$BATS_TEST_TMPDIR/data" | cut -d' ' -f1)"
	# The client's socket is in the map, its peer is not: each message's
	# redirect fails and the program lets it pass.
	run last_counters
	assert_output --regexp "^sockets added 1 \\(failed 0\\), redirected 0 msgs 0 bytes, passed [1-9][0-9]* msgs$"
	BG_PID=$LOADER_PID
	stop_bg_output "$OUTF"
}

@test "after the loader exits an open connection goes back to the normal path" {
	local tx0 tx
	start_loader -c "$CG"
	tx0=$(lo_tx)
	in_cgroup both "$SIZE" --then "$BATS_TEST_TMPDIR/go"
	wait_for_line "$BATS_TEST_TMPDIR/both" "^received $SIZE$"
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -lt 16 ] || fail "redirected, lo still sent $tx packets for 4 MiB"
	run last_counters
	assert_output --regexp "^sockets added 2 \\(failed 0\\), redirected [1-9][0-9]* msgs $SIZE bytes, passed 0 msgs$"
	# The loader goes.  It takes both sockets out of the map (else they
	# would keep the programs alive); the process stays in the cgroup, so
	# the loader cannot remove it and says so.
	stop_bg_output "$OUTF"
	assert_line "Returned 2 open sockets to the normal TCP path."
	assert_line "sockops: warning: cannot remove cgroup $CG: Device or resource busy"
	run "$BPFTOOL" cgroup show "$CG"
	refute_output --partial sockops_add
	# The same connection, 4 MiB more: real TCP segments now, intact.
	tx0=$(lo_tx)
	touch "$BATS_TEST_TMPDIR/go"
	release_wait both
	assert_equal "$STATUS" 0
	run tail -1 "$BATS_TEST_TMPDIR/both"
	assert_output --regexp "^sent $((2 * SIZE)) bytes sha256 ([0-9a-f]+), received $((2 * SIZE)) bytes sha256 \\1: intact$"
	tx=$(($(lo_tx) - tx0))
	[ "$tx" -ge 64 ] || fail "after exit lo sent $tx packets for 4 MiB, want >= 64"
	# The receiver's recv() that was waiting when the loader left held the
	# socket's psock, and with it the programs; once it returned they went.
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name sk_msg_redir)\" ]" ||
		fail "sk_msg_redir still loaded after the connection closed"
}

@test "bad input: unknown option, empty path, not a cgroup, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -c ""
	assert_bad_input "sockops: invalid cgroup '': want a path"
	run "$BIN" -c "$BATS_TEST_TMPDIR"
	assert_equal "$status" 1
	assert_output "sockops: $BATS_TEST_TMPDIR is not a cgroup v2 directory"
	run "$BIN" -c /nonexistent/cg
	assert_equal "$status" 1
	assert_line --index 0 "sockops: creating cgroup /nonexistent/cg: No such file or directory"
	run_as_nobody "$BIN" -c "$CG"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
	assert [ ! -e "$CG" ]
}

# detach_after SIGNAL [existing]: everything ours is gone after SIGNAL:
# the cgroup link, both programs, the map (and the .bss counters with it).
detach_after() {
	[ "${2-}" != existing ] || mkdir "$CG"
	start_loader -c "$CG"
	run cgroup_progs "$CG"
	assert_output "cgroup_sock_ops sockops_add"
	run "$BPFTOOL" map show name sock_hash
	assert_output --partial sockhash
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	if [ "${2-}" = existing ]; then
		assert [ -d "$CG" ]
		run cgroup_progs "$CG"
		assert_output ""
	else
		assert [ ! -e "$CG" ]
	fi
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name sockops_add)\$($BPFTOOL prog show name sk_msg_redir)\" ]" ||
		fail "programs still loaded after SIG$1"
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL map show name sock_hash)\$($BPFTOOL map show name sockops.bss)\" ]" ||
		fail "maps still there after SIG$1"
}

@test "SIGINT detaches everything and removes the cgroup it made" {
	detach_after INT
}

@test "SIGTERM detaches everything and leaves an existing cgroup in place" {
	detach_after TERM existing
}

@test "README: the commands of 'Run it'" {
	[ ! -e "$CG2/sockops-lesson" ] || skip "$CG2/sockops-lesson exists: someone is running the lesson"
	readme_run 8
	run cat "$BATS_TEST_TMPDIR/readme-1.out"
	assert_line "Redirecting loopback TCP of cgroup $CG2/sockops-lesson (new). Ctrl-C to stop."
	assert_equal "$(grep -c '^sockets added 0 (failed 0), redirected 0 msgs 0 bytes, passed 0 msgs$' <<<"$output")" 2
	# The loader ran until Ctrl-C; the transfer in its cgroup was redirected, the
	# one outside was not.
	run tail -1 "$BATS_TEST_TMPDIR/readme-2.out"
	assert_output --regexp "^sockets added 2 \\(failed 0\\), redirected [1-9][0-9]* msgs 1048576 bytes, passed 0 msgs$"
	assert [ ! -e "$CG2/sockops-lesson" ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
