#!/usr/bin/env bats
# Lesson 44: N frames requested => the peer's RX count (ip -s link) rises by
# exactly N, with XDP_TX and with XDP_REDIRECT; bytes = N x the frame size.
load ../../tests/lib

BIN=$OUT/xdp_live_frame
PEER_MAC=02:00:0a:0b:00:02

setup() {
	lesson_setup
	netns_setup
	# veth hands XDP-sent frames only to a peer with NAPI: GRO on (or XDP).
	"${IN_PEER[@]}" ethtool -K veth1 gro on >/dev/null
}
teardown() { lesson_teardown; }

peer_rx() { ip -n "$NS-peer" -s link show dev veth1 | awk '/RX:/ { getline; print $'"${1:-2}"'; exit }'; }
# xmit [_errors]: veth's own count (ethtool -S) of the frames veth0 put on
# veth1's receive ring, or (_errors) could not, the ring being full.
xmit() { "${IN_NS[@]}" ethtool -S veth0 | awk '$1 == "tx_queue_0_xdp_xmit'"${1:-}"':" { print $2 }'; }
peer_rx_is() { [ "$(peer_rx)" = "$1" ]; }

@test "XDP_TX: N frames requested, the peer receives exactly N" {
	require_feature xdp_live
	local rx0 b0
	rx0=$(peer_rx)
	b0=$(peer_rx 1)
	run "${IN_NS[@]}" "$BIN" -i veth0 -n 50 -D "$PEER_MAC"
	assert_success
	assert_line --index 0 "Sending 50 frames of 64 bytes out of veth0 (ifindex $(ip -n "$NS" -o link show veth0 | cut -d: -f1)) with XDP_TX."
	assert_line --index 1 "Sent 50 frames."
	assert_equal "$(($(peer_rx) - rx0))" 50
	assert_equal "$(($(peer_rx 1) - b0))" $((50 * 64))
}

@test "XDP_REDIRECT and -s: 30 frames of 1000 bytes" {
	require_feature xdp_live
	local rx0 b0
	rx0=$(peer_rx)
	b0=$(peer_rx 1)
	run "${IN_NS[@]}" "$BIN" -i veth0 -n 30 -s 1000 -m redirect
	assert_success
	assert_line --index 0 --partial "with XDP_REDIRECT."
	assert_line --index 1 "Sent 30 frames."
	assert_equal "$(($(peer_rx) - rx0))" 30
	assert_equal "$(($(peer_rx 1) - b0))" 30000
}

@test "SIGINT interrupts a long run: it reports what it sent, nothing stays loaded" {
	require_feature xdp_live
	local rx0 x0 e0 sent x
	rx0=$(peer_rx)
	x0=$(xmit)
	e0=$(xmit _errors)
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 -n 2000000000 -D "$PEER_MAC"
	wait_for_line "$OUTF" '^Sending'
	sleep 0.5
	stop_bg_output "$OUTF"
	assert_line --index 1 --regexp '^Interrupted after [0-9]+ frames\.$'
	sent=$(sed -n 's/^Interrupted after \([0-9]*\) frames\.$/\1/p' "$OUTF")
	assert [ "$sent" -gt 0 ]
	# Every frame the program ran for went to veth1's ring, or was counted
	# as not fitting (a receiver slower than the sender: an emulated
	# guest); none beyond them...
	x=$(($(xmit) - x0))
	assert_equal "$((x + $(xmit _errors) - e0))" "$sent"
	# ...and each one on the ring reaches the peer's RX count (once its
	# NAPI has drained the ring).
	wait_until 5 peer_rx_is $((rx0 + x)) || assert_equal "$(($(peer_rx) - rx0))" "$x"
	wait_prog_gone xdp_prog_func
}

@test "SIGTERM interrupts too and exits 0" {
	require_feature xdp_live
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 -n 2000000000
	wait_for_line "$OUTF" '^Sending'
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_for_line "$OUTF" '^Interrupted after [0-9]+ frames\.$'
	wait_prog_gone xdp_prog_func
}

@test "bad input: unknown option, count, size, MAC, mode, interface, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -n 0
	assert_bad_input "xdp_live_frame: invalid count '0': out of range 1..2147483648"
	run "$BIN" -n many
	assert_bad_input "xdp_live_frame: invalid count 'many': want a whole number from 1 to 2147483648"
	run "$BIN" -s 59
	assert_bad_input "xdp_live_frame: invalid size '59': out of range 60..1514"
	run "$BIN" -D 02:00:zz:00:00:01
	assert_bad_input "xdp_live_frame: invalid MAC '02:00:zz:00:00:01': want xx:xx:xx:xx:xx:xx"
	# Only hex digits: no sign, space or 0x that strtoul/sscanf would skip.
	run "$BIN" -D 0x2:00:00:00:00:01
	assert_bad_input "xdp_live_frame: invalid MAC '0x2:00:00:00:00:01': want xx:xx:xx:xx:xx:xx"
	run "$BIN" -D "02:00:00:00:00: 1"
	assert_bad_input "xdp_live_frame: invalid MAC '02:00:00:00:00: 1': want xx:xx:xx:xx:xx:xx"
	run "$BIN" -m drop
	assert_bad_input "xdp_live_frame: invalid mode 'drop': want one of tx, redirect"
	run "$BIN" -i nosuch0
	assert_bad_input "xdp_live_frame: invalid interface 'nosuch0': no such interface"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -i lo
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "a kernel without live frames: one line naming the reason, exit 1" {
	! has_feature xdp_live || skip "this kernel has live frames"
	run "$BIN" -i lo -n 1
	assert_failure 1
	assert_output --regexp "^xdp_live_frame: kernel lacks BPF_F_TEST_XDP_LIVE_FRAMES: .+"
	assert_equal "${#lines[@]}" 1
}

@test "README: the commands of 'Run it'" {
	require_feature xdp_live
	cd "$ROOT"
	_NETNS+=(lsn44)
	run timeout -s INT $((10 * LESSON_SLOW)) make -C lessons/44-xdp-live-frame run ARGS="-n 5"
	assert_success
	assert_output --partial "Sent 5 frames."
	run tools/testenv setup lsn44
	assert_success
	run tools/testenv exec lsn44 --peer -- ethtool -K veth1 gro on
	assert_success
	run tools/testenv exec lsn44 -- build/44-xdp-live-frame/xdp_live_frame -i veth0 -n 1000 -D 02:00:0a:0b:00:02
	assert_success
	run ip -n lsn44-peer -s link show veth1
	assert_equal "$(awk '/RX:/ { getline; print $2; exit }' <<<"$output")" 1000
	run tools/testenv teardown lsn44
	assert_success
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	require_feature xdp_live
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
