#!/usr/bin/env bats
# Lesson 27: hand-made frames, good and broken, sent from the peer namespace
# with a raw AF_PACKET socket (sendframes.py): each must land in exactly the
# class the sender says, in order, with the header fields it was built with;
# the totals must equal what `ip -s link` saw arrive.
load ../../tests/lib

BIN=$OUT/xdp_parse
SEND=$LESSON_DIR/sendframes.py

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

# start_parse ARGS...: the loader on veth0 inside the test network, attached.
start_parse() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 "$@"
	wait_for_line "$OUTF" '^Attached XDP program xdp_parse to veth0'
}

stop_parse() {
	stop_bg_output "$OUTF"
}

send() { "${IN_PEER[@]}" "$SEND" veth1 "$@"; }

# table_count CLASS: the PACKETS column of the exit table's row for CLASS.
table_count() {
	awk -v c="$1" 'seen && $1 == c { print $2 } /^CLASS +PACKETS$/ { seen = 1 }' "$OUTF"
}

@test "every crafted frame is counted in exactly the class expected, in order" {
	local rx0 rx expected got cls n
	expected=$(send list | awk '{ print $2 }')
	rx0=$(rx_packets veth0)
	start_parse -p
	run send all
	assert_success
	n=$(wc -l <<<"$expected")
	wait_for_count "$OUTF" '^(ipv[46]-|non-ip|bad-)' "$n"
	rx=$(($(rx_packets veth0) - rx0))
	stop_parse
	# The wire saw exactly what we sent, and XDP saw every one of them.
	assert_equal "$rx" "$n"
	got=$(grep -E '^(ipv[46]-|non-ip|bad-)[a-z0-9]* +[0-9]+ ' "$OUTF" | awk '{ print $1 }')
	assert_equal "$got" "$expected"
	# The exit table agrees with the per-frame lines, class by class.
	for cls in ipv4-tcp ipv4-udp ipv4-icmp ipv4-frag ipv4-other ipv6-tcp ipv6-udp \
		ipv6-icmp ipv6-other non-ip bad-eth bad-vlan bad-ipv4 bad-ipv6 bad-l4; do
		assert_equal "$cls $(table_count "$cls")" "$cls $(grep -cx "$cls" <<<"$expected")"
	done
}

@test "fields: VLAN IDs, addresses, ports and ICMP type as the frames were built" {
	start_parse -p
	run send vlan-ipv4-udp qinq-ipv6-tcp ipv6-icmp ipv4-tcp-options qinq-arp
	assert_success
	wait_for_count "$OUTF" '^(ipv[46]-|non-ip|bad-)' 5
	stop_parse
	# CLASS LEN ETYPE VLANS SRC DST SPORT DPORT
	assert_line --regexp '^ipv4-udp +51 0x0800 100 +10\.11\.0\.2 +10\.11\.0\.1 +40000 +5353$'
	assert_line --regexp '^ipv6-tcp +82 0x86dd 200\.300 +fd00::2 +fd00::1 +40000 +443$'
	assert_line --regexp '^ipv6-icmp +66 0x86dd - +fd00::2 +fd00::1 +128 +0$'
	# IP options (IHL 7) and TCP options (data offset 8) are skipped over.
	assert_line --regexp '^ipv4-tcp +74 0x0800 - +10\.11\.0\.2 +10\.11\.0\.1 +40000 +80$'
	assert_line --regexp '^non-ip +50 0x0806 7\.8 '
}

@test "without -p: no per-frame lines, and pings counted as ipv4-icmp = RX" {
	local rx0 rx
	rx0=$(rx_packets veth0)
	start_parse
	run "$ROOT/tools/testenv" ping "$NS" 4
	assert_success
	run send ipv4-ihl-4 ipv4-tcp-cut-short
	assert_success
	rx=$(($(rx_packets veth0) - rx0))
	stop_parse
	assert_equal "$rx" 6
	assert_equal "$(table_count ipv4-icmp)" 4
	assert_equal "$(table_count bad-ipv4)" 1
	assert_equal "$(table_count bad-l4)" 1
	refute_line --regexp '^CLASS +LEN '
}

@test "bad input: unknown option, bad interface, bad duration, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -i nosuch0
	assert_bad_input "xdp_parse: invalid interface 'nosuch0': no such interface"
	run "$BIN" -i lo -d soon
	assert_bad_input "xdp_parse: invalid duration 'soon': want a whole number from 1 to 2147483647"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -i lo
	assert_equal "$status" 1
	assert_output --partial "must run as root"
	run "$SEND" veth1 nosuchframe
	assert_failure
	assert_output --partial "unknown frame nosuchframe"
}

# detach_after SIG: the XDP link and the program are gone after SIG.
detach_after() {
	start_parse -p
	run ip -n "$NS" link show dev veth0
	assert_output --regexp 'prog/xdp id [0-9]+'
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	run ip -n "$NS" link show dev veth0
	refute_output --partial 'prog/xdp'
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name xdp_parse)\" ]" ||
		fail "xdp_parse still loaded after SIG$1"
}

@test "SIGINT detaches everything" {
	detach_after INT
	grep -qE '^CLASS +PACKETS$' "$OUTF"
}

@test "SIGTERM detaches everything" {
	detach_after TERM
}

@test "README: the commands of 'Run it'" {
	cd "$ROOT"
	_NETNS+=(lsn27)
	run timeout -s INT $((10 * LESSON_SLOW)) make -C lessons/27-xdp-parse run ARGS="-p -d 1"
	assert_success
	assert_output --partial "Attached XDP program xdp_parse to lo"
	assert_output --regexp $'\nbad-l4 +[0-9]+'
	run tools/testenv setup lsn27
	assert_success
	OUTF=$BATS_TEST_TMPDIR/readme
	start_bg "$OUTF" tools/testenv exec lsn27 -- build/27-xdp-parse/xdp_parse -i veth0 -p
	wait_for_line "$OUTF" '^CLASS +LEN'
	run tools/testenv exec lsn27 --peer -- lessons/27-xdp-parse/sendframes.py veth1 all
	assert_success
	run lessons/27-xdp-parse/sendframes.py veth1 list
	assert_line "ipv4-ihl-4 bad-ipv4"
	# Every frame's line is in (the learner's cue for Ctrl-C), then the totals.
	wait_for_count "$OUTF" '^(ipv[46]-|non-ip|bad-)' "${#lines[@]}"
	stop_bg_output "$OUTF"
	assert_line --regexp '^bad-l4 +6$'
	run tools/testenv teardown lsn27
	assert_success
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
