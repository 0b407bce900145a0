#!/usr/bin/env bats
# Lesson 43: per-source-address counts checked against the pings two peer
# addresses sent, and against `ip -s link`'s RX count.
load ../../tests/lib

BIN=$OUT/xdp_ip_counter
SEND=$ROOT/lessons/27-xdp-parse/sendframes.py

setup() {
	lesson_setup
	netns_setup
	# A second source on the peer; a static neighbour so no ARP is sent.
	ip -n "$NS-peer" addr add 10.11.0.3/24 dev veth1
	ip -n "$NS" neigh add 10.11.0.3 lladdr 02:00:0a:0b:00:02 dev veth0 nud permanent
}
teardown() { lesson_teardown; }

start_counter() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 "$@"
	wait_for_line "$OUTF" '^Press Ctrl-C'
}

# ping_from ADDR COUNT: COUNT echo requests from ADDR to veth0.
ping_from() {
	run "${IN_PEER[@]}" ping -q -n -c "$2" -i 0.2 -W 1 -I "$1" 10.11.0.1
	assert_success
}

# last_table: the rows of the last complete "Map contents:" block.
last_table() {
	awk '/^Map contents:/ { n = 0; delete r; next } /^\t/ { r[++n] = $0 }
	     END { for (i = 1; i <= n; i++) print r[i] }' "$OUTF"
}

# ticks: how many tables have been printed so far.
ticks() { count_lines "$OUTF" '^Map contents:'; }

@test "each source's row equals the pings it sent, and the rows add up to RX" {
	local rx0 rx t
	rx0=$(rx_packets veth0)
	start_counter
	ping_from 10.11.0.2 5
	ping_from 10.11.0.3 3
	rx=$(($(rx_packets veth0) - rx0))
	# Two more ticks: one table printed wholly after the last packet.
	t=$(ticks)
	wait_for_count "$OUTF" '^Map contents:' $((t + 2))
	stop_bg_output "$OUTF"
	assert_equal "$rx" 8
	assert_equal "$(last_table)" $'\t10.11.0.2 => 5\n\t10.11.0.3 => 3'
}

@test "VLAN-tagged IPv4 counts (parse.h); ARP, IPv6 and broken IPv4 do not" {
	local t
	start_counter
	run "${IN_PEER[@]}" "$SEND" veth1 vlan-ipv4-udp ipv4-tcp arp ipv6-udp ipv4-ihl-4 \
		ipv4-tcp-cut-short ipv4-fragment
	assert_success
	t=$(ticks)
	wait_for_count "$OUTF" '^Map contents:' $((t + 2))
	stop_bg_output "$OUTF"
	# Counted: the VLAN frame, the TCP frame and the fragment (an IPv4
	# header is all it takes).  Not: ARP, IPv6, IHL 4.  The cut-short TCP
	# frame is bad-l4 in lesson 27: its IPv4 header is fine, but parse.h
	# calls it bad, so it is not counted either.
	assert_equal "$(last_table)" $'\t10.11.0.2 => 3'
}

@test "-m 1: the LRU table keeps only the most recent source" {
	local t
	start_counter -m 1
	ping_from 10.11.0.2 2
	ping_from 10.11.0.3 2
	t=$(ticks)
	wait_for_count "$OUTF" '^Map contents:' $((t + 2))
	stop_bg_output "$OUTF"
	assert_equal "$(last_table)" $'\t10.11.0.3 => 2'
}

@test "bad input: unknown option, bad interface, bad size, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -i nosuch0
	assert_bad_input "xdp_ip_counter: invalid interface 'nosuch0': no such interface"
	run "$BIN" -m 0
	assert_bad_input "xdp_ip_counter: invalid table size '0': out of range 1..1048576"
	run "$BIN" -m lots
	assert_bad_input "xdp_ip_counter: invalid table size 'lots': want a whole number from 1 to 1048576"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -i lo
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

detach_after() {
	start_counter
	run ip -n "$NS" link show dev veth0
	assert_output --regexp 'prog/xdp id [0-9]+'
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	run ip -n "$NS" link show dev veth0
	refute_output --partial 'prog/xdp'
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name xdp_prog_func)\" ]" ||
		fail "xdp_prog_func still loaded after SIG$1"
}

@test "SIGINT detaches everything" {
	detach_after INT
}

@test "SIGTERM detaches everything" {
	detach_after TERM
}

@test "README: the commands of 'Run it'" {
	_NETNS+=(lsn43)
	readme_run 8
	OUTF=$BATS_TEST_TMPDIR/readme-1.out
	run cat "$OUTF"
	assert_line --partial 'Attached XDP program to iface "lo"'
	assert_equal "$(ticks)" 2
	# Stopped by Ctrl-C after both pings: its last table counts them all.
	OUTF=$BATS_TEST_TMPDIR/readme-5.out
	assert_equal "$(last_table)" $'\t10.11.0.2 => 3\n\t10.11.0.3 => 2'
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
