#!/usr/bin/env bats
# Exercise 00 (README "Exercise"): count per IP protocol in a second map,
# proto_count, checked against packets the test sends and bpftool's view.
load ../../tests/lib

BIN=$OUT/xdp_counter

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

# proto_count KEY: the value bpftool reads from the map at KEY.
proto_count() {
	"$BPFTOOL" -j map dump name proto_count |
		jq -r --argjson k "$1" '.[] | select(.formatted.key == $k) | .formatted.value'
}

@test "the program has a map proto_count: an ARRAY of 256 __u64 values" {
	start_bg "$BATS_TEST_TMPDIR/out" "${IN_NS[@]}" "$BIN" -i veth0
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Attached'
	run "$BPFTOOL" -j map show name proto_count
	assert_success
	assert_equal "$(jq -r '.type' <<<"$output")" array
	assert_equal "$(jq -r '.max_entries' <<<"$output")" 256
	assert_equal "$(jq -r '.bytes_value' <<<"$output")" 8
}

@test "pings count under key 1 (ICMP), UDP datagrams under key 17, and pkt_count still counts all" {
	start_bg "$BATS_TEST_TMPDIR/out" "${IN_NS[@]}" "$BIN" -i veth0
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Attached'
	run "$ROOT/tools/testenv" ping "$NS" 5
	assert_success
	local i
	for i in 1 2 3; do
		"${IN_PEER[@]}" bash -c 'echo x >/dev/udp/10.11.0.1/9' || true
	done
	assert_equal "$(proto_count 1)" 5
	assert_equal "$(proto_count 17)" 3
	assert_equal "$(proto_count 6)" 0
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Received 8 packets$'
}
