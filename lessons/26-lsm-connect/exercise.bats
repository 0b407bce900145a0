#!/usr/bin/env bats
# Exercise 26 (README "Exercise"): -p PORT refuses only connects to that
# port of the blocked address.  Checked with connects whose outcome the test
# knows without the program: two TCP listeners of its own on 0.0.0.0 (one
# port blocked, one not), UDP connects that need no peer, and a process
# whose PID is known before it connects.  Kernels without BPF LSM skip with
# the probe's reason (tests/run repeats the skipped tests in a VM).
load ../../tests/lib
load lsm

@test "-p PORT and --port PORT are options; a bad PORT is one line, exit 64" {
	require_feature lsm
	run "$BIN" -p 8080 --help
	assert_success
	run "$BIN" --port 8080 --help
	assert_success
	assert_output --partial -- "--port"
	run "$BIN" -p http
	assert_bad_input "lsm_connect: invalid port 'http': want a whole number from 1 to 65535"
	run "$BIN" -p 0
	assert_bad_input "lsm_connect: invalid port '0': out of range 1..65535"
	run "$BIN" -p 65536
	assert_bad_input "lsm_connect: invalid port '65536': out of range 1..65535"
}

@test "-a 127.0.0.2 -p PORT refuses that port only: other ports and addresses still connect" {
	require_feature lsm
	local port other offender
	"$BIN" -p 1 --help >/dev/null 2>&1 || fail "lsm_connect has no -p option"
	listener blocked
	port=$PORT
	listener open
	other=$PORT
	start_bg "$T/out" "$BIN" -a 127.0.0.2 -p "$port"
	wait_for_line "$T/out" '^PID +COMM +PROTO +DESTINATION$'
	# The offender: a process whose PID we know before it connects.
	# shellcheck disable=SC2016 # the gated shell expands these
	gated offender 'exec python3 -c "$1" 127.0.0.2 "$2" STREAM' "$CONNECT" "$port"
	offender=$GATED_PID
	release -w offender
	# shellcheck disable=SC2153 # release -w sets STATUS
	assert_equal "$STATUS" 1
	conn 127.0.0.2 "$port" DGRAM
	assert_failure 1
	assert_output "Operation not permitted"
	# The same address, another port; the same port, another address.
	conn 127.0.0.2 "$other" STREAM
	assert_success
	assert_output connected
	conn 127.0.0.2 53 DGRAM
	assert_success
	conn 127.0.0.1 "$port" STREAM
	assert_success
	assert_output connected
	wait_for_line "$T/out" "^[0-9]+ +python3 +udp +127\.0\.0\.2:$port refused$"
	stop_bg_output "$T/out"
	assert_line --regexp "^$offender +python3 +tcp +127\.0\.0\.2:$port refused\$"
	assert_equal "$(count_lines "$T/out" ' refused$')" 2
}
