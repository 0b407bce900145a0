#!/usr/bin/env bats
# Lesson 41: one connection the test makes in its own namespaces gives one
# line per side when both close, with the right 4-tuples; with netem
# delaying the server's side by 20 ms (VM), both RTTs are at least 20 ms.
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcprtt
PORT=47151
SPORT=47152

setup() { tcp_setup; }
teardown() { lesson_teardown; }

start() { start_bin '^SRC ADDR +PORT +-> +DEST ADDR +PORT +RTT\(ms\)$' "$@"; }

stop() { stop_bg_output "$T/out"; }

CLIENT_RE="^10\.11\.0\.2 +$SPORT +-> +10\.11\.0\.1 +$PORT +[0-9]+\.[0-9]{3}$"
SERVER_RE="^10\.11\.0\.1 +$PORT +-> +10\.11\.0\.2 +$SPORT +[0-9]+\.[0-9]{3}$"

# one_connection MODE: client closes first, then the server; one line for
# each.  Then the listener closes: tcp_close() runs for it too (fentry: a
# line with RTT 0), but it was never connected (no line from tp_btf).
one_connection() {
	tcp_serve "$T/srv" "$PORT"
	tcp_connect "$PORT" --sport "$SPORT" --send 200000
	assert_success
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $SPORT 200000$"
	wait_for_line "$T/out" "$CLIENT_RE"
	wait_for_line "$T/out" "$SERVER_RE"
	[ "$1" != fentry ] || wait_for_line "$T/out" " $PORT +-> +0\.0\.0\.0 "
	stop
	assert_equal "$(count_lines "$T/out" " $SPORT ")" 2
	assert_equal "$(count_lines "$T/out" "$CLIENT_RE")" 1
	assert_equal "$(count_lines "$T/out" "$SERVER_RE")" 1
	local listener="^10\.11\.0\.1 +$PORT +-> +0\.0\.0\.0 +0 +0\.000$"
	if [ "$1" = fentry ]; then
		assert_equal "$(count_lines "$T/out" "$listener")" 1
	else
		refute_output --regexp " $PORT +-> +0\.0\.0\.0 "
	fi
}

# rtt RE: the RTT(ms) of the line matching RE.
rtt() { grep -E "$1" "$T/out" | awk '{ print $6 }'; }

# netem_case MODE: 20 ms on everything the server sends.  Each side's RTT
# includes one trip through veth0: at least 20 ms, far below a second.
netem_case() {
	require_qdisc netem delay 1ms
	netem_delay 20
	start -m "$1"
	one_connection "$1"
	assert awk -v r="$(rtt "$CLIENT_RE")" 'BEGIN { exit !(r >= 20 && r < 1000) }'
	assert awk -v r="$(rtt "$SERVER_RE")" 'BEGIN { exit !(r >= 20 && r < 1000) }'
}

@test "tp_btf: one line per side of a closed connection, right 4-tuples, an RTT measured" {
	start -m tp_btf
	assert_equal "$(head -1 "$T/out")" \
		"Tracing IPv4 TCP closes with tp_btf/inet_sock_set_state. Ctrl-C to stop."
	one_connection tp_btf
	# srtt is set by the handshake: never 0 for a connection that was up.
	assert awk -v r="$(rtt "$CLIENT_RE")" 'BEGIN { exit !(r > 0) }'
	assert awk -v r="$(rtt "$SERVER_RE")" 'BEGIN { exit !(r > 0) }'
}

@test "fentry: one line per side of a closed connection, right 4-tuples" {
	require_feature fentry
	start -m fentry
	run "$BPFTOOL" prog show name tcp_close
	assert_output --partial tracing
	one_connection fentry
}

@test "tp_btf: netem delay 20ms => both sides' RTT >= 20 ms and < 1 s" {
	netem_case tp_btf
}

@test "fentry: netem delay 20ms => both sides' RTT >= 20 ms and < 1 s" {
	require_feature fentry
	netem_case fentry
}

@test "auto: fentry when the probe says so, else tp_btf with the probe's reason" {
	local why
	start
	stop
	if why=$(probe_reason fentry); then
		assert_line --index 0 "tcprtt: fentry unavailable ($why): using tp_btf"
		assert_line --index 1 --partial "with tp_btf/inet_sock_set_state."
	else
		assert_line --index 0 --partial "with fentry/tcp_close."
	fi
}

@test "bad input: one clear line, exit 64; unavailable mode or not root: exit 1" {
	local why
	run "$BIN" -m tracepoint
	assert_equal "$status" 64
	assert_line --index 0 "tcprtt: invalid mode 'tracepoint': want one of auto, fentry, tp_btf"
	run "$BIN" --bogus
	assert_equal "$status" 64
	if why=$(probe_reason fentry); then
		run "$BIN" -m fentry
		assert_equal "$status" 1
		assert_output "tcprtt: fentry mode unavailable: $why"
	fi
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGINT and SIGTERM detach everything" {
	assert_signals_detach 1 'name (tcp_close|tcp_set_state) '
}

@test "README: every command of 'Run it' works as written" {
	cd "$ROOT"
	run timeout -s INT 20 make -C lessons/41-tcprtt run ARGS="-d 1"
	assert_success
	assert_output --partial "RTT(ms)"
	run timeout -s INT 20 build/41-tcprtt/tcprtt -m tp_btf -d 1
	assert_success
	assert_output --partial "tp_btf/inet_sock_set_state"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
