#!/usr/bin/env bats
# Lesson 19: per-packet lines and per-protocol counts at TC ingress, checked
# against `ip -s link`; drops checked with ping; the clsact qdisc checked
# with `tc qdisc show`.
load ../../tests/lib
bats_require_minimum_version 1.5.0

BIN=$OUT/tc_counter

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

# start_tc ARGS...: the loader on veth0 inside the test network, attached.
start_tc() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 "$@"
	wait_for_line "$OUTF" '^PROTO +SRC +DST +LEN +ACTION$'
}

stop_tc() {
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$OUTF")
	mapfile -t lines <"$OUTF"
}

rx_bytes() {
	ip -n "$NS" -s link show dev "$1" | awk '/RX:/ { getline; print $1; exit }'
}

# ping_peer COUNT: COUNT pings from the peer to veth0, 1 s timeout each.
ping_peer() {
	run "${IN_PEER[@]}" ping -q -n -c "$1" -i 0.2 -W 1 10.11.0.1
}

has_clsact() { tc -n "$NS" qdisc show dev veth0 | grep -q '^qdisc clsact'; }

@test "packet lines and counts equal what ip -s link reports" {
	local rx0 bytes0 rx bytes
	rx0=$(rx_packets veth0)
	bytes0=$(rx_bytes veth0)
	start_tc
	ping_peer 5
	assert_success
	rx=$(($(rx_packets veth0) - rx0))
	bytes=$(($(rx_bytes veth0) - bytes0))
	wait_for_count "$OUTF" '^icmp ' 5
	stop_tc
	# Static neighbours, no IPv6: the echo requests are all that arrived.
	assert_equal "$rx" 5
	assert_equal "$(count_lines "$OUTF" '^icmp +10\.11\.0\.2 +10\.11\.0\.1 +[0-9]+ pass$')" "$rx"
	# ping's 56 data bytes + ICMP 8 + IPv4 20 + Ethernet 14.
	assert_equal "$(count_lines "$OUTF" '^icmp .* 98 pass$')" "$rx"
	# The summary table: PROTO PACKETS BYTES DROPPED.
	assert_line --regexp "^icmp +$rx +$bytes +0\$"
}

@test "--drop icmp drops pings; they work again once the loader is gone" {
	start_tc --drop icmp
	assert_equal "$(head -1 "$OUTF")" \
		"Attached TC program tc_ingress to veth0 ingress (ifindex $(ip -n "$NS" -o link show veth0 | cut -d: -f1), new clsact), dropping icmp. Ctrl-C to stop."
	ping_peer 3
	assert_failure
	assert_output --partial "3 packets transmitted, 0 received"
	wait_for_count "$OUTF" '^icmp .* DROP$' 3
	stop_tc
	assert_line --regexp '^icmp +3 +[0-9]+ +3$'
	refute_line --regexp ' pass$'
	ping_peer 3
	assert_success
	assert_output --partial "3 packets transmitted, 3 received"
}

@test "--drop udp leaves ping alone" {
	start_tc --drop udp
	ping_peer 3
	assert_success
	assert_output --partial "3 packets transmitted, 3 received"
	stop_tc
	assert_line --regexp '^icmp +3 +[0-9]+ +0$'
}

@test "a clsact qdisc the loader created is removed on exit" {
	run has_clsact
	assert_failure
	start_tc
	run has_clsact
	assert_success
	run tc -n "$NS" filter show dev veth0 ingress
	assert_output --partial "tc_ingress"
	assert_output --partial "direct-action"
	stop_tc
	assert_line --index 0 --partial "new clsact"
	run has_clsact
	assert_failure
}

@test "a clsact qdisc that was there before stays, minus our filter" {
	tc -n "$NS" qdisc add dev veth0 clsact
	start_tc
	stop_tc
	assert_line --index 0 --partial "existing clsact"
	run has_clsact
	assert_success
	run tc -n "$NS" filter show dev veth0 ingress
	assert_output ""
}

@test "SIGKILL: a TC filter is not a bpf_link, it outlives the loader" {
	local stale
	start_tc
	stop_bg "$BG_PID" KILL
	# Nobody ran the cleanup: filter and qdisc are still there.
	run tc -n "$NS" filter show dev veth0 ingress
	assert_output --partial "tc_ingress"
	stale=$(sed -n 's/.* id \([0-9]*\) name tc_ingress .*/\1/p' <<<"$output")
	run has_clsact
	assert_success
	# The next run removes it (the attach would fail with EEXIST) and says
	# so; its own filter goes at exit, the stale program with the filter.
	start_tc
	stop_tc
	assert_line --index 0 "tc_counter: removed a stale filter left by a killed run (tc_ingress, prog id $stale)"
	run tc -n "$NS" filter show dev veth0 ingress
	assert_output ""
	wait_until 5 bash -c "! $BPFTOOL prog show id $stale >/dev/null 2>&1" ||
		fail "program $stale still loaded"
}

@test "somebody else's filter at our handle and priority: left alone, one clear line" {
	tc -n "$NS" qdisc add dev veth0 clsact
	# A classic BPF filter (accept all): not an eBPF program, no prog id.
	tc -n "$NS" filter add dev veth0 ingress pref 1 handle 1 bpf bytecode '1,6 0 0 4294967295,'
	run --separate-stderr "${IN_NS[@]}" "$BIN" -i veth0 -d 1
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "tc_counter: attaching tc_ingress to veth0 ingress (handle 1, pref 1): File exists"
	run tc -n "$NS" filter show dev veth0 ingress
	assert_output --partial "bytecode '1,6 0 0 4294967295'"
}

@test "unknown interface, bad --drop: non-zero exit, one clear line" {
	run "$BIN" -i nosuch0
	assert_bad_input "tc_counter: invalid interface 'nosuch0': no such interface"
	run "$BIN" -i lo --drop smtp
	assert_bad_input "tc_counter: invalid protocol 'smtp': want icmp, tcp, udp or 0-255"
	run "$BIN" -i lo --drop 256
	assert_bad_input "tc_counter: invalid protocol '256': want icmp, tcp, udp or 0-255"
}

@test "not root: clear error, nothing loaded" {
	run_as_nobody "$BIN" -i lo
	assert_failure
	assert_output --partial "must run as root"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
