#!/usr/bin/env bats
# Lesson 40: connects the test makes in its own namespaces (accepted,
# refused, kernel-chosen source port) each give exactly one line whose PID
# and 4-tuple are what the client itself reports.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/fentry_tcp_connect
PORT=47141

setup() { tcp_setup; }
teardown() { lesson_teardown; }

start() { start_bin '^PID +COMM +SRC ADDR +PORT +-> +DEST ADDR +PORT$' "$@"; }

stop() { stop_bg_output "$T/out"; }

# expect_one PID SPORT DPORT: exactly one line for that connect, and no
# other line with its source port.
expect_one() {
	local re="^$1 +python3 +10\.11\.0\.2 +$2 +-> +10\.11\.0\.1 +$3\$"
	wait_for_line "$T/out" "$re"
	assert_equal "$(count_lines "$T/out" "$re")" 1
	assert_equal "$(count_lines "$T/out" " 10\.11\.0\.2 +$2 +-> ")" 1
}

# three_connects: accepted from 47142, refused from 47144, accepted from a
# port the kernel picks; each checked against the client's own report.
three_connects() {
	local pid sport
	tcp_serve "$T/srv" "$PORT" --count 2
	tcp_connect "$PORT" --sport 47142 --send 100
	assert_success
	expect_one "$(tcp_client_pid)" 47142 "$PORT"
	tcp_connect $((PORT + 2)) --sport 47144
	assert_equal "$status" 2
	assert_output --partial refused
	expect_one "$(tcp_client_pid)" 47144 $((PORT + 2))
	tcp_connect "$PORT"
	assert_success
	pid=$(tcp_client_pid)
	sport=$(awk '/^connected/ { print $3 }' <<<"$output")
	expect_one "$pid" "$sport" "$PORT"
	stop
}

@test "tracepoint: one line per connect with the client's PID and 4-tuple" {
	start -m tracepoint
	assert_equal "$(head -1 "$T/out")" \
		"Tracing IPv4 TCP connects with the sock:inet_sock_set_state tracepoint. Ctrl-C to stop."
	three_connects
}

@test "fentry: one line per connect with the client's PID and 4-tuple" {
	require_feature fentry
	start -m fentry
	assert_equal "$(head -1 "$T/out")" "Tracing IPv4 TCP connects with fentry/tcp_connect. Ctrl-C to stop."
	run "$BPFTOOL" prog show name tcp_connect
	assert_output --partial "tracing"
	three_connects
}

@test "auto: fentry when the probe says so, else the tracepoint with the probe's reason" {
	local why
	start
	stop
	if why=$(probe_reason fentry); then
		assert_line --index 0 "fentry_tcp_connect: fentry unavailable ($why): using tracepoint"
		assert_line --index 1 --partial "with the sock:inet_sock_set_state tracepoint."
	else
		assert_line --index 0 --partial "with fentry/tcp_connect."
	fi
}

@test "bad input: one clear line, exit 64; unavailable mode or not root: exit 1" {
	local why
	run "$BIN" -m kprobe
	assert_equal "$status" 64
	assert_line --index 0 "fentry_tcp_connect: invalid mode 'kprobe': want one of auto, fentry, tracepoint"
	run "$BIN" extra
	assert_equal "$status" 64
	run "$BIN" --bogus
	assert_equal "$status" 64
	if why=$(probe_reason fentry); then
		run "$BIN" -m fentry
		assert_equal "$status" 1
		assert_output "fentry_tcp_connect: fentry mode unavailable: $why"
	fi
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGINT and SIGTERM detach everything" {
	assert_signals_detach 1 'name (tcp_connect|tcp_state) '
}

@test "README: every command of 'Run it' works as written" {
	cd "$ROOT"
	run timeout -s INT 20 make -C lessons/40-fentry-tcp-connect run ARGS="-d 1"
	assert_success
	assert_output --partial "DEST ADDR"
	run timeout -s INT 20 build/40-fentry-tcp-connect/fentry_tcp_connect -m tracepoint -d 1
	assert_success
	assert_output --partial "sock:inet_sock_set_state"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
