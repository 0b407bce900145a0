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
	tcp6_setup
}
teardown() { lesson_teardown; }

# v4_and_v6 MODE: one IPv6 and one IPv4 connect, one line each.
v4_and_v6() {
	local re
	start_bin '^PID +COMM +SRC ADDR +PORT +-> +DEST ADDR +PORT$' -m "$1"
	tcp6_refused 47146 "$PORT"
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
