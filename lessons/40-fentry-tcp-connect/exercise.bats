#!/usr/bin/env bats
# Exercise 40 (README "Exercise"): IPv6 connects too, on both hooks: the
# event carries the family and 16-byte addresses, printed with inet_ntop.
# Checked with refused connects to [::1] from a source port we choose, in a
# namespace of our own with IPv6 on, by a process that prints its PID; and
# an IPv4 connect (tests/tcp.bash) that must still be reported.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/fentry_tcp_connect
PORT=47141

setup() {
	tcp_setup
	NS6=lsn40x$$t$BATS_TEST_NUMBER
	ip netns add "$NS6"
	_NETNS+=("$NS6")
	ip -n "$NS6" link set lo up
}
teardown() { lesson_teardown; }

# connect6 SPORT: a refused connect from [::1]:SPORT to [::1]:PORT; PID6
# is the client's PID.
connect6() {
	run ip netns exec "$NS6" python3 -c '
import os, socket, sys
print("pid", os.getpid(), flush=True)
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("::1", int(sys.argv[1])))
try:
    s.connect(("::1", int(sys.argv[2])))
except ConnectionRefusedError:
    print("refused")
' "$1" "$PORT"
	assert_success
	assert_line refused
	PID6=$(sed -n 's/^pid //p' <<<"$output")
}

# v4_and_v6 MODE: one IPv6 and one IPv4 connect, one line each.
v4_and_v6() {
	local re
	start_bin '^PID +COMM +SRC ADDR +PORT +-> +DEST ADDR +PORT$' -m "$1"
	connect6 47146
	re="^$PID6 +python3 +::1 +47146 +-> +::1 +$PORT\$"
	wait_for_line "$T/out" "$re" 3
	tcp_serve "$T/srv" "$PORT" --count 1
	tcp_connect "$PORT" --sport 47142
	assert_success
	wait_for_line "$T/out" "^$(tcp_client_pid) +python3 +10\.11\.0\.2 +47142 +-> +10\.11\.0\.1 +$PORT\$" 3
	stop_bg_output "$T/out"
	assert_equal "$(grep -cE "$re" "$T/out")" 1
}

@test "tracepoint: an IPv6 connect is one line with ::1 and its ports; IPv4 still works" {
	v4_and_v6 tracepoint
}

@test "fentry: the same IPv6 and IPv4 lines" {
	require_feature fentry
	v4_and_v6 fentry
}
