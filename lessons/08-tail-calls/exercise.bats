#!/usr/bin/env bats
# Exercise 08 (README "Exercise"): a fourth case, tail_ipip in slot 4,
# checked with bpftool's jmp_table and tail_stats and raw protocol-4
# packets we send from the peer namespace.
load ../../tests/lib

BIN=$OUT/tail_calls

setup() {
	lesson_setup
	netns_setup
	PIN=/sys/fs/bpf/tail_calls_x$$_${BATS_TEST_NUMBER}
}
teardown() {
	rm -rf "$PIN"
	lesson_teardown
}

start_dispatcher() {
	start_bg "$BATS_TEST_TMPDIR/out" nsenter --net="/run/netns/$NS" \
		"$BIN" -i veth0 -P "$PIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Attached tail_dispatch' 5
	JMP=$(sed -n 's/^jmp_table (map id \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/out")
}

# tstat PROTO FIELD: handled or missed count for an IP protocol, via bpftool.
tstat() {
	"$BPFTOOL" -j map lookup pinned "$PIN/tail_stats" key "$1" 0 0 0 | jq ".formatted.value.$2"
}

_tstat_is() { [ "$(tstat "$1" "$2")" = "$3" ]; }

# ipip_peer N: N raw IPv4 packets of protocol 4 from the peer to veth0.
ipip_peer() {
	"${IN_PEER[@]}" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
for _ in range(int(sys.argv[1])):
    s.sendto(bytes(20), ("10.11.0.1", 0))' "$1"
}

@test "jmp_table holds a fourth program, tail_ipip, in slot 4 (listed as ipip[4])" {
	start_dispatcher
	assert_equal "$("$BPFTOOL" -j map dump id "$JMP" | jq 'length')" 4
	local id
	id=$(sed -n 's/.* ipip\[4\] = prog id \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/out")
	[ -n "$id" ] || fail "no 'ipip[4] = prog id N' in the jmp_table line"
	run "$BPFTOOL" prog show id "$id"
	assert_output --regexp "^$id: xdp +name tail_ipip "
	stop_bg "$BG_PID" INT
}

@test "protocol-4 packets are handled by the ipip case (tail_stats[4]), none missed, and printed as ipip=N" {
	start_dispatcher
	run "$ROOT/tools/testenv" ping "$NS" 1 # the peer learns veth0's MAC first
	assert_success
	ipip_peer 3
	wait_until 3 _tstat_is 4 handled 3 || true # softirq may count them a moment later
	assert_equal "$(tstat 4 handled)" 3
	assert_equal "$(tstat 4 missed)" 0
	assert_equal "$(tstat 1 handled)" 1
	wait_for_line "$BATS_TEST_TMPDIR/out" '^handled: icmp=1 tcp=0 udp=0 ipip=3  missed: 0$' 3
	stop_bg "$BG_PID" INT
}
