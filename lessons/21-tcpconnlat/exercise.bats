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
	tcp_full_queue "$PORT" "$SPORT" "$SLOW"
	# The fast connect's event, had it been kept, came before this one.
	wait_for_line "$T/out" " 10\.11\.0\.2 +$SLOW +10\.11\.0\.1 +$PORT +[0-9.]+$" 5
	stop_bg_output "$T/out"
	refute_output --regexp " 10\.11\.0\.2 +$SPORT +10\.11\.0\.1 "
	assert_line --regexp "^[0-9]+ +python3 +4 +10\.11\.0\.2 +$SLOW +10\.11\.0\.1 +$PORT +[0-9]{4,}\.[0-9]+$"
}
