#!/usr/bin/env bats
# Exercise 45 (README "Exercise"): -x, the ingress program returns TCX_DROP
# (TC_ACT_SHOT for clsact) for IPv4 ICMP and counts it.  Checked with pings
# from the peer: they all go unanswered; veth0's RX counter (ip -s link,
# counted before TC) rises by the requests, TX by nothing; the drop count
# equals the requests.
load ../../tests/lib

BIN=$OUT/tcx

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

tx_packets() {
	ip -n "$NS" -s link show dev veth0 | awk '/TX:/ { getline; print $2; exit }'
}

# drops MODE: 3 pings dropped at ingress, with that attach mode.
drops() {
	local rx0 tx0 t out=$BATS_TEST_TMPDIR/out
	"$BIN" -x --help >/dev/null 2>&1 || fail "no -x option"
	start_bg "$out" "${IN_NS[@]}" "$BIN" -i veth0 -m "$1" -x
	wait_for_line "$out" '^Attached ingress_prog_func and egress_prog_func to veth0'
	rx0=$(rx_packets veth0)
	tx0=$(tx_packets)
	run "${IN_PEER[@]}" ping -q -n -c 3 -i 0.2 -W 1 10.11.0.1
	assert_failure
	assert_output --partial "3 packets transmitted, 0 received"
	assert_equal "$(($(rx_packets veth0) - rx0)) $(($(tx_packets) - tx0))" "3 0"
	t=$(count_lines "$out" '^Packet count:')
	wait_for_count "$out" '^Packet count:' $((t + 2))
	stop_bg_output "$out"
	assert_equal "${lines[-1]}" "Packet count: ingress 3, egress 0, dropped 3"
}

@test "-x and --drop-icmp are options" {
	run "$BIN" -x --help
	assert_success
	assert_output --partial "--drop-icmp"
}

@test "tcx -x: pings dropped at ingress, counted as ingress 3, egress 0, dropped 3" {
	require_feature tcx
	drops tcx
}

@test "clsact -x: the same verdict through a direct-action filter" {
	drops clsact
}
