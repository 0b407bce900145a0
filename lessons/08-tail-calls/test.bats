#!/usr/bin/env bats
# Lesson 08: tail calls through a program array, and what happens to the
# array when the loader exits with and without a pin.  Oracles: bpftool's
# dump of jmp_table and of the pinned tail_stats map, pings and UDP packets
# we send from the peer namespace, the interface's RX counter.
load ../../tests/lib

BIN=$OUT/tail_calls

setup() {
	lesson_setup
	netns_setup
	PIN=/sys/fs/bpf/tail_calls_t$$_${BATS_TEST_NUMBER}
}
teardown() {
	# Removing the pins frees dispatcher, cases and maps.
	rm -rf "$PIN"
	lesson_teardown
}

# start_dispatcher ARGS...: run the loader in the test netns (nsenter --net
# keeps the host's bpffs, where our pins must live) and wait until attached.
start_dispatcher() {
	start_bg "$BATS_TEST_TMPDIR/out" nsenter --net="/run/netns/$NS" \
		"$BIN" -i veth0 -P "$PIN" "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Attached tail_dispatch'
	JMP=$(sed -n 's/^jmp_table (map id \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/out")
}

# tstat PROTO FIELD: handled or missed count for an IP protocol, via bpftool.
tstat() {
	"$BPFTOOL" -j map lookup pinned "$PIN/tail_stats" key "$1" 0 0 0 | jq ".formatted.value.$2"
}

# jmp_entries: how many programs jmp_table holds right now.
jmp_entries() { "$BPFTOOL" -j map dump id "$JMP" | jq 'length'; }

ping_peer() {
	run "$ROOT/tools/testenv" ping "$NS" "$1"
	assert_success
}

udp_peer() {
	local i
	for ((i = 0; i < $1; i++)); do
		"${IN_PEER[@]}" bash -c 'echo hi >/dev/udp/10.11.0.1/9'
	done
}

@test "while the loader runs, each protocol's packets reach its case program" {
	local rx0
	start_dispatcher
	run grep -cE '^jmp_table \(map id [0-9]+\): icmp\[1\] = prog id [0-9]+ tcp\[6\] = prog id [0-9]+ udp\[17\] = prog id [0-9]+$' \
		"$BATS_TEST_TMPDIR/out"
	assert_output 1
	assert_equal "$(jmp_entries)" 3
	rx0=$(rx_packets veth0)
	ping_peer 4
	udp_peer 3
	assert_equal "$(tstat 1 handled)" 4
	assert_equal "$(tstat 17 handled)" 3
	assert_equal "$(tstat 6 handled)" 0
	assert_equal "$(($(tstat 1 missed) + $(tstat 17 missed)))" 0
	assert_equal "$(($(rx_packets veth0) - rx0))" 7
	# The loader prints the same counts.
	wait_for_line "$BATS_TEST_TMPDIR/out" '^handled: icmp=4 tcp=0 udp=3  missed: 0$'
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "without --pin: loader exits, the kernel empties jmp_table, packets become misses" {
	start_dispatcher
	ping_peer 2
	assert_equal "$(tstat 1 handled)" 2
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	assert_file_contains "$BATS_TEST_TMPDIR/out" '^Exiting: nothing else holds jmp_table'
	# The dispatcher is still attached (pinned link), but its table is empty.
	run ip -n "$NS" link show dev veth0
	assert_output --partial "prog/xdp"
	wait_until 10 test "$(jmp_entries)" = 0 || fail "jmp_table still has $(jmp_entries) entries"
	ping_peer 3
	udp_peer 1
	assert_equal "$(tstat 1 handled)" 2
	assert_equal "$(tstat 1 missed)" 3
	assert_equal "$(tstat 17 missed)" 1
	assert_equal "$(tstat 17 handled)" 0
}

@test "with --pin: jmp_table keeps its programs and the tail calls go on" {
	start_dispatcher --pin
	assert_file_exists "$PIN/jmp_table"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	assert_file_contains "$BATS_TEST_TMPDIR/out" '^Exiting: jmp_table is pinned'
	# Give the kernel the same time it needed to empty the array above.
	sleep 1
	assert_equal "$(jmp_entries)" 3
	run "$BPFTOOL" map show pinned "$PIN/jmp_table"
	assert_output --regexp "^$JMP: prog_array +name jmp_table"
	ping_peer 3
	udp_peer 2
	assert_equal "$(tstat 1 handled)" 3
	assert_equal "$(tstat 17 handled)" 2
	assert_equal "$(($(tstat 1 missed) + $(tstat 17 missed)))" 0
}

@test "--unpin detaches the dispatcher and frees every program" {
	local ids id
	start_dispatcher --pin
	stop_bg "$BG_PID" INT
	ids=$(grep -o 'prog id [0-9]*' "$BATS_TEST_TMPDIR/out" | awk '{print $3}')
	assert_equal "$(wc -l <<<"$ids")" 4
	run nsenter --net="/run/netns/$NS" "$BIN" -P "$PIN" --unpin
	assert_success
	assert_output "Removed $PIN/link
Removed $PIN/tail_stats
Removed $PIN/jmp_table"
	assert_not_exist "$PIN"
	run ip -n "$NS" link show dev veth0
	refute_output --partial "prog/xdp"
	for id in $ids; do
		wait_until 10 bash -c "! $BPFTOOL prog show id $id >/dev/null 2>&1" ||
			fail "program $id still loaded"
	done
}

@test "bad input: unknown interface, dispatcher already pinned, not root" {
	run "$BIN" -i nosuch0 -P "$PIN"
	assert_bad_input "tail_calls: invalid interface 'nosuch0': no such interface"
	start_dispatcher
	stop_bg "$BG_PID" INT
	run nsenter --net="/run/netns/$NS" "$BIN" -i veth0 -P "$PIN"
	assert_failure
	assert_output "tail_calls: a dispatcher is already pinned at $PIN/link: use --unpin first"
	run_as_nobody "$BIN" -i lo -P "$PIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "README: every Run it command works as written" {
	# The README uses the default pin directory: teardown removes it if a
	# command fails before the README's own --unpin.
	PIN=/sys/fs/bpf/tail_calls
	readme_run 6
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
