#!/usr/bin/env bats
# Exercise 27 (README "Exercise"): follow up to 4 IPv6 extension headers
# (hop-by-hop, routing, destination options) before the transport header.
# Checked with the EXERCISE frames of sendframes.py, built byte by byte and
# sent from the peer: each -p line must show the class, length and ports
# the frame was built with, and `ip -s link` must have seen every frame.
load ../../tests/lib

BIN=$OUT/xdp_parse
SEND=$LESSON_DIR/sendframes.py

setup() {
	lesson_setup
	netns_setup
	LOG=$BATS_TEST_TMPDIR/out
}
teardown() { lesson_teardown; }

# parsed FRAME...: send FRAMEs to xdp_parse -p on veth0; its output is
# loaded as `run` would, and veth0's RX count must grow by one per frame.
parsed() {
	local rx0 rx
	rx0=$(rx_packets veth0)
	start_bg "$LOG" "${IN_NS[@]}" "$BIN" -i veth0 -p
	wait_for_line "$LOG" '^CLASS +LEN '
	run "${IN_PEER[@]}" "$SEND" veth1 "$@"
	assert_success
	wait_for_count "$LOG" '^(ipv[46]-|non-ip|bad-)' $#
	rx=$(($(rx_packets veth0) - rx0))
	stop_bg_output "$LOG"
	assert_equal "$rx" $#
}

@test "TCP, UDP and ICMPv6 after hop-by-hop, routing and destination-options headers are counted as such, with their ports" {
	parsed ipv6-hbh-tcp ipv6-hbh-dstopts-udp ipv6-routing-icmp
	# CLASS LEN ETYPE VLANS SRC DST SPORT DPORT
	assert_line --regexp '^ipv6-tcp +82 0x86dd - +fd00::2 +fd00::1 +40000 +22$'
	assert_line --regexp '^ipv6-udp +91 0x86dd - +fd00::2 +fd00::1 +40000 +5353$'
	assert_line --regexp '^ipv6-icmp +90 0x86dd - +fd00::2 +fd00::1 +128 +0$'
	refute_line --regexp '^ipv6-other +[0-9]+ 0x'
}

@test "up to 4 extension headers are followed: TCP after 4 is ipv6-tcp, after 5 it stays ipv6-other" {
	parsed ipv6-4-ext-tcp ipv6-5-ext-tcp
	assert_line --regexp '^ipv6-tcp +106 0x86dd - +fd00::2 +fd00::1 +40000 +80$'
	assert_line --regexp '^ipv6-other +114 0x86dd - +fd00::2 +fd00::1 +0 +0$'
}

@test "an extension header whose length runs past the end of the frame is bad-ipv6" {
	parsed ipv6-ext-cut-short
	assert_line --regexp '^bad-ipv6 +62 0x86dd '
	assert_line --regexp '^bad-ipv6 +1$'
}
