#!/usr/bin/env bats
# Exercise 41 (README "Exercise"): -b, a RX BYTES column, tcp_sock's
# bytes_received read next to srtt_us.  Checked with a connection the test
# makes: the client sends exactly 200000 bytes and closes, the server
# answers nothing.  The counter follows rcv_nxt, and the client's FIN takes
# one sequence number: at its close the server shows 200001, the client 0.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcprtt
PORT=47151
SPORT=47152

setup() { tcp_setup; }
teardown() { lesson_teardown; }

CLIENT_RE="^10\.11\.0\.2 +$SPORT +-> +10\.11\.0\.1 +$PORT +[0-9]+\.[0-9]{3} +"
SERVER_RE="^10\.11\.0\.1 +$PORT +-> +10\.11\.0\.2 +$SPORT +[0-9]+\.[0-9]{3} +"

bytes_option() {
	"$BIN" -b --help >/dev/null 2>&1 || fail "no -b option"
}

@test "-b and --bytes are options, adding a RX BYTES column" {
	run "$BIN" -b --help
	assert_success
	assert_output --partial "--bytes"
	start_bin '^SRC ADDR +PORT +-> +DEST ADDR +PORT +RTT\(ms\) +RX BYTES$' -m tp_btf -b
	stop_bg_output "$T/out"
}

@test "tp_btf -b: the server side received 200000 bytes and a FIN (200001), the client side 0" {
	bytes_option
	start_bin '^SRC ADDR +PORT +-> +DEST ADDR +PORT +RTT\(ms\) +RX BYTES$' -m tp_btf -b
	tcp_serve "$T/srv" "$PORT"
	tcp_connect "$PORT" --sport "$SPORT" --send 200000
	assert_success
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $SPORT 200000$"
	wait_for_line "$T/out" "$SERVER_RE"
	stop_bg_output "$T/out"
	assert_line --regexp "${CLIENT_RE}0\$"
	assert_line --regexp "${SERVER_RE}200001\$"
}
