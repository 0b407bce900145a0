#!/usr/bin/env bats
# Exercise 39 (README "Exercise"): -b PORT, the egress program returns 0
# (drop) for the cgroup's IPv4 UDP packets to PORT.  Checked with datagrams
# sent from the peer namespace by processes the test puts in the cgroup or
# leaves outside it: the sender's errno, and veth1's TX counter.
load ../../tests/lib
load ../../tests/cgroup

BIN=$OUT/cgroup_skb

setup() {
	lesson_setup
	cgroup_setup lsn39x
	netns_setup
}
teardown() { cgroup_teardown; }

tx_packets() {
	ip -n "$NS-peer" -s link show dev veth1 | awk '/TX:/ { getline; print $2; exit }'
}

# send_from WHERE PORT: one datagram from inside the cgroup or outside it;
# RESULT is what the sender printed.
send_from() {
	gated sender "exec ${IN_PEER[*]} python3 -c '
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b\"x\", (\"10.11.0.1\", int(sys.argv[1])))
    print(\"sent\")
except OSError as e:
    print(errno.errorcode[e.errno])
' $2 >$BATS_TEST_TMPDIR/result"
	[ "$1" = outside ] || echo "$GATED_PID" >"$CG/cgroup.procs"
	release -w sender
	RESULT=$(cat "$BATS_TEST_TMPDIR/result")
}

@test "-b and --block-udp are options taking a port" {
	run "$BIN" -b 5353 --help
	assert_success
	assert_output --partial "--block-udp"
	run "$BIN" -b 70000
	assert_failure 64
}

@test "-b 5353: the cgroup's UDP to 5353 fails with EPERM and never leaves; to 5354 it goes" {
	local tx0
	"$BIN" -b 5353 --help >/dev/null 2>&1 || fail "no -b option"
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -c "$CG" -b 5353
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Counting egress packets of cgroup '
	tx0=$(tx_packets)
	send_from inside 5353
	assert_equal "$RESULT" EPERM
	assert_equal "$(tx_packets)" "$tx0"
	send_from inside 5354
	assert_equal "$RESULT" sent
	assert_equal "$(tx_packets)" $((tx0 + 1))
	stop_bg_output "$BATS_TEST_TMPDIR/out"
}

@test "-b 5353: the same datagram from outside the cgroup goes" {
	local tx0
	"$BIN" -b 5353 --help >/dev/null 2>&1 || fail "no -b option"
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -c "$CG" -b 5353
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Counting egress packets of cgroup '
	tx0=$(tx_packets)
	send_from outside 5353
	assert_equal "$RESULT" sent
	assert_equal "$(tx_packets)" $((tx0 + 1))
	stop_bg_output "$BATS_TEST_TMPDIR/out"
}
