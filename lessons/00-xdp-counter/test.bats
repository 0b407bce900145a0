#!/usr/bin/env bats
# Lesson 00: the XDP counter, checked against the interface's own counters.
load ../../tests/lib

BIN=$OUT/xdp_counter

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

# start the counter on veth0 inside the test network; waits until attached.
start_counter() {
	start_bg "$BATS_TEST_TMPDIR/out" "${IN_NS[@]}" "$BIN" -i veth0 "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Attached XDP program count_packets to veth0'
}

@test "printed count equals the RX packets ip -s link reports" {
	local rx0 rx1 printed
	rx0=$(rx_packets veth0)
	start_counter
	run "$ROOT/tools/testenv" ping "$NS" 7
	assert_success
	rx1=$(rx_packets veth0)
	# One more tick so the loader has printed a count that includes them.
	wait_for_count "$BATS_TEST_TMPDIR/out" '^Received' \
		$(($(count_lines "$BATS_TEST_TMPDIR/out" '^Received') + 1))
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	printed=$(grep '^Received' "$BATS_TEST_TMPDIR/out" | tail -1 | awk '{print $2}')
	assert_equal "$printed" "$((rx1 - rx0))"
	# Static neighbours, no IPv6: the 7 echo requests are all that arrived.
	assert_equal "$printed" 7
}

@test "make run IFACE=veth0 ARGS=\"-d 4\": IFACE survives the learner's ARGS" {
	local rx0 rx1 out=$BATS_TEST_TMPDIR/out
	rx0=$(rx_packets veth0)
	# veth0 exists only in the test netns: with -i lost, it would count on lo.
	start_bg "$out" "${IN_NS[@]}" make -s -C "$LESSON_DIR" run IFACE=veth0 ARGS="-d 4"
	wait_for_line "$out" '^Attached XDP program count_packets to veth0 '
	run "$ROOT/tools/testenv" ping "$NS" 3
	assert_success
	rx1=$(rx_packets veth0)
	STATUS=0
	wait "$BG_PID" || STATUS=$?
	assert_equal "$STATUS" 0
	# -d 4 ended it after the pings; its last count is veth0's RX delta.
	assert_equal "$(grep '^Received' "$out" | tail -1 | awk '{print $2}')" "$((rx1 - rx0))"
	assert_equal "$((rx1 - rx0))" 3
}

@test "the program is attached to the interface while it runs" {
	start_counter
	run ip -n "$NS" link show dev veth0
	assert_output --regexp 'prog/xdp id [0-9]+'
	run "$BPFTOOL" prog show name count_packets
	assert_output --partial 'xdp'
}

@test "bad input: unknown interface or option, garbage -d: exit 64, one line naming it" {
	run "$BIN" -i nosuch0
	assert_bad_input "xdp_counter: invalid interface 'nosuch0': no such interface"
	run "$BIN" -i "$(printf 'x%.0s' {1..16})"
	assert_bad_input "xdp_counter: invalid interface 'xxxxxxxxxxxxxxxx': names are 1 to 15 characters"
	# getopt's own message starts with the short name too, not the path.
	run "$BIN" --nosuch
	assert_bad_input "xdp_counter: unrecognized option '--nosuch'"
}

@test "not root: clear error, nothing loaded" {
	run_as_nobody "$BIN" -i lo
	assert_failure
	assert_output --partial "must run as root"
}

@test "bad duration is rejected" {
	run "$BIN" -d soon
	assert_bad_input "xdp_counter: invalid duration 'soon': want a whole number from 1 to 2147483647"
	run "$BIN" -d 0
	assert_bad_input "xdp_counter: invalid duration '0': out of range 1..2147483647"
}

# Detach on every way a loader can end: the bpf_link dies with the process.
detach_after() {
	local id
	start_counter
	run ip -n "$NS" link show dev veth0
	assert_output --regexp 'prog/xdp id [0-9]+'
	id=$(sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' <<<"$output")
	stop_bg "$BG_PID" "$1"
	wait_until 10 bash -c "! ip -n $NS link show dev veth0 | grep -q prog/xdp" ||
		fail "XDP program still attached after SIG$1"
	# The very program that was attached is freed (other programs on the
	# machine come and go: counting them all would race).
	wait_until 10 bash -c "! $BPFTOOL prog show id $id >/dev/null 2>&1" ||
		fail "program id $id still loaded after SIG$1"
}

@test "SIGINT detaches and exits 0" {
	detach_after INT
	assert_equal "$STATUS" 0
}

@test "SIGTERM detaches and exits 0" {
	detach_after TERM
	assert_equal "$STATUS" 0
}

@test "SIGKILL: the kernel detaches the link when the process dies" {
	detach_after KILL
	assert_equal "$STATUS" 137
}

@test "-d stops by itself after printing once a second" {
	run "${IN_NS[@]}" "$BIN" -i veth0 -d 2
	assert_success
	assert_line --index 0 --partial "Attached XDP program"
	assert_equal "$(grep -c '^Received 0 packets$' <<<"$output")" 2
}

@test "README: every Run it command works as written" {
	readme_run 8
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
