#!/usr/bin/env bats
# Exercise 19 (README "Exercise"): the IPv4 TTL in each event, printed in a
# TTL column.  Checked with pings whose TTL the test sets (ping -t) from
# the peer namespace, one hop away over a veth.
load ../../tests/lib

BIN=$OUT/tc_counter

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

@test "the packet lines have a TTL column between LEN and ACTION" {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "${IN_NS[@]}" "$BIN" -i veth0
	wait_for_line "$out" '^PROTO +SRC +DST +LEN +TTL +ACTION$' 3
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "pings sent with TTL 7 and 33 show TTL 7 and 33 (ping -t, one hop: unchanged)" {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "${IN_NS[@]}" "$BIN" -i veth0
	wait_for_line "$out" '^PROTO +SRC +DST +LEN +TTL +ACTION$' 3
	run "${IN_PEER[@]}" ping -q -n -c 2 -i 0.2 -W 1 -t 7 10.11.0.1
	assert_success
	run "${IN_PEER[@]}" ping -q -n -c 3 -i 0.2 -W 1 -t 33 10.11.0.1
	assert_success
	wait_for_count "$out" '^icmp ' 5 3
	stop_bg_output "$out"
	assert_equal "$(count_lines "$out" '^icmp +10\.11\.0\.2 +10\.11\.0\.1 +98 +7 pass$')" 2
	assert_equal "$(count_lines "$out" '^icmp +10\.11\.0\.2 +10\.11\.0\.1 +98 +33 pass$')" 3
}
