#!/usr/bin/env bats
# Exercise 44 (README "Exercise"): -p N, the program writes UDP source
# ports 1024 .. 1024+N-1 in turn into the frames it sends.  Checked by a
# packet socket on the peer's veth1 that reads every frame to 198.18.0.2
# and prints its UDP source port.
load ../../tests/lib

BIN=$OUT/xdp_live_frame
PEER_MAC=02:00:0a:0b:00:02

# Arguments: how many frames to read.  Prints "ready", then one port a line.
CAPTURE='
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("veth1", 0))
print("ready", flush=True)
n = 0
while n < int(sys.argv[1]):
    f = s.recv(2048)
    if f[30:34] == bytes([198, 18, 0, 2]) and f[23] == 17:
        print(struct.unpack("!H", f[34:36])[0], flush=True)
        n += 1
'

setup() {
	lesson_setup
	require_feature xdp_live
	netns_setup
	"${IN_PEER[@]}" ethtool -K veth1 gro on >/dev/null
}
teardown() { lesson_teardown; }

@test "-p and --ports are options taking a count" {
	run "$BIN" -p 5 --help
	assert_success
	assert_output --partial "--ports"
	run "$BIN" -p 0
	assert_failure 64
}

@test "-p 5 -n 12: the peer sees UDP source ports 1024..1028 in turn, from the first frame on" {
	local cap=$BATS_TEST_TMPDIR/cap
	"$BIN" -p 5 --help >/dev/null 2>&1 || fail "no -p option"
	start_bg "$cap" "${IN_PEER[@]}" python3 -c "$CAPTURE" 12
	wait_for_line "$cap" '^ready$'
	run "${IN_NS[@]}" "$BIN" -i veth0 -n 12 -p 5 -D "$PEER_MAC"
	assert_success
	assert_line "Sent 12 frames."
	wait_for_count "$cap" '^[0-9]+$' 12 5
	assert_equal "$(grep -E '^[0-9]+$' "$cap" | paste -sd' ')" \
		"1024 1025 1026 1027 1028 1024 1025 1026 1027 1028 1024 1025"
}
