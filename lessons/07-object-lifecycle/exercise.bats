#!/usr/bin/env bats
# Exercise 07 (README "Exercise"): a second pinned map, byte_count, checked
# with bpftool on its pin and the interface's own RX byte counter.
load ../../tests/lib

BIN=$OUT/object_lifecycle

setup() {
	lesson_setup
	netns_setup
	PIN=/sys/fs/bpf/object_lifecycle_x$$_${BATS_TEST_NUMBER}
}
teardown() {
	rm -rf "$PIN"
	lesson_teardown
}

# lifecycle ARGS...: the loader in the test netns, on the host's bpffs.
lifecycle() {
	run nsenter --net="/run/netns/$NS" "$BIN" -i veth0 -P "$PIN" "$@"
	assert_success
}

# rx_bytes: veth0's RX byte counter, as ip -s link reports it.
rx_bytes() {
	ip -n "$NS" -s link show dev veth0 | awk '/RX:/ { getline; print $1; exit }'
}

# pinned MAP: the counter in the pinned MAP.
pinned() {
	"$BPFTOOL" -j map lookup pinned "$PIN/$1" key 0 0 0 0 | jq .formatted.value
}

@test "after a run, byte_count is pinned beside pkt_count: an ARRAY of one __u64" {
	lifecycle
	run "$BPFTOOL" -j map show pinned "$PIN/byte_count"
	assert_success
	assert_equal "$(jq -r '[.type, .name, .max_entries, .bytes_value] | join(" ")' <<<"$output")" \
		"array byte_count 1 8"
}

@test "byte_count grows by exactly the bytes veth0 received, and keeps counting across a second run" {
	local rx0 pk0
	lifecycle
	rx0=$(rx_bytes)
	pk0=$(rx_packets veth0)
	run "$ROOT/tools/testenv" ping "$NS" 3
	assert_success
	lifecycle
	run "$ROOT/tools/testenv" ping "$NS" 2
	assert_success
	assert_equal "$(pinned pkt_count)" 5
	# veth's RX counter starts after the 14-byte Ethernet header XDP sees.
	assert_equal "$(pinned byte_count)" "$(($(rx_bytes) - rx0 + 14 * ($(rx_packets veth0) - pk0)))"
}

@test "--unpin removes byte_count too: the pin directory is gone" {
	lifecycle
	lifecycle --unpin
	assert_line "Removed $PIN/byte_count"
	assert_not_exist "$PIN"
}
