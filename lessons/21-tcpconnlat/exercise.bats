#!/usr/bin/env bats
# Exercise 21 (README "Exercise"): -M MS, a minimum latency the BPF side
# checks before reserving ring buffer space.  Checked with the full accept
# queue of test.bats: a connect answered at once, then one whose first SYN
# the server's kernel drops, so it waits for the 1 s retransmission.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcpconnlat
PORT=47121
SPORT=47122
SLOW=47124

setup() { tcp_setup; }
teardown() { lesson_teardown; }

# server_established SPORT: the server's kernel has the connection from
# client port SPORT (established, or closed by the client since).
server_established() {
	"${IN_NS[@]}" ss -Htn "( dport = :$1 )" | grep -q .
}

@test "-M MS and --min MS are options; a bad MS is one line, exit 64" {
	run "$BIN" -M 500 --help
	assert_success
	run "$BIN" --min 500 --help
	assert_success
	assert_output --partial -- "--min"
	run "$BIN" -M soon
	assert_bad_input "tcpconnlat: invalid minimum latency 'soon': want a whole number from 0 to 3600000"
}

@test "-M 500 shows the connect that waited >= 1 s for its SYN retransmission, and hides the fast one" {
	"$BIN" -M 500 --help >/dev/null 2>&1 || fail "tcpconnlat has no -M option"
	start_bin '^PID +COMM +IP +SADDR' -m tracepoint -M 500
	# After the loader: the server's 4 s without accept() start now.
	tcp_serve "$T/srv" "$PORT" --backlog 0 --accept-delay-ms 4000 --count 2
	tcp_connect "$PORT" --sport "$SPORT"
	assert_success
	# The server's side of it must be in the accept queue, filling it,
	# before the slow client's SYN arrives.
	wait_until 5 server_established "$SPORT" || fail "the first connect never filled the queue"
	tcp_connect "$PORT" --sport "$SLOW"
	assert_success
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $SLOW 0$"
	# The fast connect's event, had it been kept, came before this one.
	wait_for_line "$T/out" " 10\.11\.0\.2 +$SLOW +10\.11\.0\.1 +$PORT +[0-9.]+$" 5
	stop_bg_output "$T/out"
	refute_output --regexp " 10\.11\.0\.2 +$SPORT +10\.11\.0\.1 "
	assert_line --regexp "^[0-9]+ +python3 +4 +10\.11\.0\.2 +$SLOW +10\.11\.0\.1 +$PORT +[0-9]{4,}\.[0-9]+$"
}
