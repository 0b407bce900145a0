#!/usr/bin/env bats
# Exercise 22 (README "Exercise"): -4 and -6, libbpf-tools' address family
# filter, checked in BPF before the ring buffer reserve.  Checked with two
# sockets the test makes: an IPv6 connect from [::1]:SPORT6, refused (no
# listener), by a process that prints its PID; and an IPv4 connection
# (tests/tcp.bash) from 10.11.0.2:SPORT.  Each test makes the one to be
# hidden first, so its lines would have come before the last one waited for.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcpstates
PORT=47131
SPORT=47132
SPORT6=47136

setup() {
	tcp_setup
	# The test netns has IPv6 off (tools/testenv): ::1 lives in one more.
	tcp6_setup
}
teardown() { lesson_teardown; }

start() { start_bin '^SKADDR +PID +COMM +IP +LADDR +LPORT +RADDR +RPORT +OLDSTATE +-> +NEWSTATE +MS$' "$@"; }

# connect4: an IPv4 connection from 10.11.0.2:SPORT to 10.11.0.1:PORT,
# both ends closed when this returns.
connect4() {
	tcp_serve "$T/srv" "$PORT"
	tcp_connect "$PORT" --sport "$SPORT"
	assert_success
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $SPORT "
	wait "$SERVE_PID"
}

# The lines of the two sockets, "OLD->NEW" each.
v6_lines() {
	awk -v p="$PORT" -v s="$SPORT6" '$4 == 6 && $5 == "::1" && $6 == s && $7 == "::1" && $8 == p { print $2, $9 "->" $11 }' "$T/out"
}
v4_client_lines() {
	awk -v p="$PORT" -v s="$SPORT" '$4 == 4 && $6 == s && $8 == p { print $9 "->" $11 }' "$T/out"
}

@test "-6 and --ipv6, -4 and --ipv4 are options" {
	run "$BIN" -6 --help
	assert_success
	run "$BIN" --ipv6 --help
	assert_success
	run "$BIN" -4 --help
	assert_success
	run "$BIN" --ipv4 --help
	assert_success
}

@test "-6: an IPv6 socket's state changes are shown, an IPv4 socket's are not" {
	"$BIN" -6 --help >/dev/null 2>&1 || fail "tcpstates has no -6 option"
	start -6
	connect4
	tcp6_refused "$SPORT6" "$PORT"
	wait_for_line "$T/out" " ::1 +$SPORT6 +::1 +$PORT +SYN_SENT +-> CLOSE " 5
	stop_bg_output "$T/out"
	assert_equal "$(v6_lines)" "$PID6 CLOSE->SYN_SENT
$PID6 SYN_SENT->CLOSE"
	# No IPv4 line at all: not ours, not anybody's.
	run awk 'NR > 2 && $4 != 6' "$T/out"
	assert_output ""
}

@test "-4: an IPv4 socket's state changes are shown, an IPv6 socket's are not" {
	"$BIN" -4 --help >/dev/null 2>&1 || fail "tcpstates has no -4 option"
	start -4
	tcp6_refused "$SPORT6" "$PORT"
	connect4
	wait_for_line "$T/out" " $SPORT +10\.11\.0\.1 +$PORT +FIN_WAIT2 +-> CLOSE " 5
	stop_bg_output "$T/out"
	assert_equal "$(v4_client_lines)" "CLOSE->SYN_SENT
SYN_SENT->ESTABLISHED
ESTABLISHED->FIN_WAIT1
FIN_WAIT1->FIN_WAIT2
FIN_WAIT2->CLOSE"
	run awk 'NR > 2 && $4 != 4' "$T/out"
	assert_output ""
}
