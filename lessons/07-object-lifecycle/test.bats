#!/usr/bin/env bats
# Lesson 07: pinned map and link outlive the loader; a second run continues
# the count; --unpin frees everything.  Oracles: bpftool on the pins, the
# interface's own RX counter, `ip link` (prog/xdp), bpftool prog/map show.
load ../../tests/lib

BIN=$OUT/object_lifecycle

setup() {
	lesson_setup
	netns_setup
	# A pin dir of our own: parallel runs don't share pins.
	PIN=/sys/fs/bpf/object_lifecycle_t$$_${BATS_TEST_NUMBER}
}
teardown() {
	# Removing the pins drops the last references: link, program, map go.
	rm -rf "$PIN"
	lesson_teardown
}

# lifecycle ARGS...: run the loader inside the test netns.  nsenter --net
# switches only the network namespace: `ip netns exec` would also mount a
# fresh, private bpffs and our pins would vanish with it.
lifecycle() {
	run nsenter --net="/run/netns/$NS" "$BIN" -i veth0 -P "$PIN" "$@"
}

# pinned_count: the counter, read by bpftool from the pinned map.
pinned_count() {
	"$BPFTOOL" -j map lookup pinned "$PIN/pkt_count" key 0 0 0 0 | jq .formatted.value
}

# xdp_prog_id: id of the XDP program attached to veth0 (empty if none).
xdp_prog_id() {
	ip -n "$NS" link show dev veth0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

ping_peer() {
	run "$ROOT/tools/testenv" ping "$NS" "$1"
	assert_success
}

@test "first run pins map and link, exits, and the program keeps counting" {
	local rx0 prog
	lifecycle
	assert_success
	assert_line --index 0 --regexp "^Map: created and pinned $PIN/pkt_count \(map id [0-9]+\): count so far 0$"
	assert_line --index 1 --regexp "^Link: pinned $PIN/link \(link id [0-9]+\): prog id [0-9]+ attached to veth0$"
	prog=$(sed -n 's/.*prog id \([0-9]*\) attached.*/\1/p' <<<"$output")
	# The loader is gone; the link pin keeps the program on veth0.
	assert_file_exists "$PIN/pkt_count"
	assert_equal "$(xdp_prog_id)" "$prog"
	run "$BPFTOOL" link show pinned "$PIN/link"
	assert_output --regexp "^[0-9]+: xdp +prog $prog"
	rx0=$(rx_packets veth0)
	ping_peer 5
	assert_equal "$(pinned_count)" "$(($(rx_packets veth0) - rx0))"
	assert_equal "$(pinned_count)" 5
}

@test "second run reuses the pinned map: same map id, count continues" {
	local map prog1 prog2
	lifecycle
	assert_success
	map=$(sed -n 's/.*(map id \([0-9]*\)).*/\1/p' <<<"$output")
	prog1=$(xdp_prog_id)
	ping_peer 3
	lifecycle
	assert_success
	assert_line --index 0 "Map: reused pin $PIN/pkt_count (map id $map): count so far 3"
	assert_line --index 1 --regexp "^Link: reused pin $PIN/link \(link id [0-9]+\): prog id $prog1 replaced by [0-9]+$"
	prog2=$(xdp_prog_id)
	assert [ "$prog2" != "$prog1" ]
	assert_output --partial "replaced by $prog2"
	ping_peer 4
	assert_equal "$(pinned_count)" 7
	# The old program had only the link's reference: it is freed.
	wait_until 10 bash -c "! $BPFTOOL prog show id $prog1 >/dev/null 2>&1" ||
		fail "old program $prog1 still loaded"
	run "$BPFTOOL" map show pinned "$PIN/pkt_count"
	assert_output --regexp "^$map: array +name pkt_count"
}

@test "--unpin removes the pins; the kernel detaches and frees program and map" {
	local map prog
	lifecycle
	assert_success
	map=$(sed -n 's/.*(map id \([0-9]*\)).*/\1/p' <<<"$output")
	prog=$(xdp_prog_id)
	assert [ -n "$prog" ]
	lifecycle --unpin
	assert_success
	assert_output "Removed $PIN/link
Removed $PIN/pkt_count"
	assert_not_exist "$PIN"
	assert_equal "$(xdp_prog_id)" ""
	wait_until 10 bash -c "! $BPFTOOL prog show id $prog >/dev/null 2>&1" ||
		fail "program $prog still loaded after --unpin"
	wait_until 10 bash -c "! $BPFTOOL map show id $map >/dev/null 2>&1" ||
		fail "map $map still there after --unpin"
	# Traffic now goes uncounted by anyone; unpinning twice is harmless.
	ping_peer 2
	lifecycle --unpin
	assert_success
	assert_output "Nothing pinned in $PIN"
}

@test "bad input: unknown interface, pin dir off bpffs, link pinned on another interface" {
	run "$BIN" -i nosuch0 -P "$PIN"
	assert_bad_input "object_lifecycle: invalid interface 'nosuch0': no such interface"
	run "$BIN" -i lo -P "$BATS_TEST_TMPDIR/pins"
	assert_failure
	assert_output "object_lifecycle: $BATS_TEST_TMPDIR/pins is not on a bpffs mount: pins only live in bpffs"
	assert_not_exist "$BATS_TEST_TMPDIR/pins"
	lifecycle
	assert_success
	run nsenter --net="/run/netns/$NS" "$BIN" -i lo -P "$PIN"
	assert_failure
	assert_line --partial "object_lifecycle: $PIN/link is not an XDP link on lo"
	run_as_nobody "$BIN" -i lo -P "$PIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "README: every Run it command works as written" {
	# The README uses the default pin directory: teardown removes it if a
	# command fails before the README's own --unpin.
	PIN=/sys/fs/bpf/object_lifecycle
	readme_run 6
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
