#!/usr/bin/env bats
# Exercise 43 (README "Exercise"): the value becomes { packets, bytes }, the
# bytes being whole frames (data_end - data); -b prints them.  Checked with
# pings of a payload size we choose from two peer addresses: each frame is
# 14 (Ethernet) + 20 (IPv4) + 8 (ICMP) + payload bytes; veth0's RX bytes in
# `ip -s link` are the same frames without their Ethernet headers.
load ../../tests/lib

BIN=$OUT/xdp_ip_counter

setup() {
	lesson_setup
	netns_setup
	ip -n "$NS-peer" addr add 10.11.0.3/24 dev veth1
	ip -n "$NS" neigh add 10.11.0.3 lladdr 02:00:0a:0b:00:02 dev veth0 nud permanent
	OUTF=$BATS_TEST_TMPDIR/out
}
teardown() { lesson_teardown; }

rx_bytes() {
	ip -n "$NS" -s link show dev "$1" | awk '/RX:/ { getline; print $1; exit }'
}

last_table() {
	awk '/^Map contents:/ { n = 0; delete r; next } /^\t/ { r[++n] = $0 }
	     END { for (i = 1; i <= n; i++) print r[i] }' "$OUTF"
}

@test "-b and --bytes are options" {
	run "$BIN" -b --help
	assert_success
	assert_output --partial "--bytes"
}

@test "-b: each row shows its pings' frame bytes, and they match veth0's RX bytes" {
	local rx0 rx t
	"$BIN" -b --help >/dev/null 2>&1 || fail "no -b option"
	rx0=$(rx_bytes veth0)
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 -b
	wait_for_line "$OUTF" '^Press Ctrl-C'
	run "${IN_PEER[@]}" ping -q -n -c 5 -s 100 -i 0.2 -W 1 -I 10.11.0.2 10.11.0.1
	assert_success
	run "${IN_PEER[@]}" ping -q -n -c 3 -s 300 -i 0.2 -W 1 -I 10.11.0.3 10.11.0.1
	assert_success
	rx=$(($(rx_bytes veth0) - rx0))
	t=$(count_lines "$OUTF" '^Map contents:')
	wait_for_count "$OUTF" '^Map contents:' $((t + 2))
	stop_bg_output "$OUTF"
	# 5 x (42 + 100) and 3 x (42 + 300).
	assert_equal "$(last_table)" $'\t10.11.0.2 => 5 packets, 710 bytes\n\t10.11.0.3 => 3 packets, 1026 bytes'
	# veth counts skb->len after eth_type_trans() pulled the 14-byte header.
	assert_equal "$rx" $((710 + 1026 - 8 * 14))
}
