#!/usr/bin/env bats
# Lesson 21: connect latency of connections the test makes itself in its own
# network namespaces, checked against the client's own PID and ports and
# against delays the test injects: a full accept queue (the kernel drops the
# SYN, the client resends it 1 s later) and netem (VM: not on the host).
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcpconnlat
PORT=47121	# the server's port; clients bind 4712x
SPORT=47122

setup() { tcp_setup; }
teardown() { lesson_teardown; }

start() { start_bin '^PID +COMM +IP +SADDR +LPORT +DADDR +DPORT +LAT\(ms\)$' "$@"; }

stop() { stop_bg_output "$T/out"; }

# line_for SPORT: the output line of the connect from 10.11.0.2:SPORT.
line_for() {
	grep -E "^[0-9]+ +[^ ]+ +4 +10\.11\.0\.2 +$1 +10\.11\.0\.1 +$PORT +[0-9.]+$" "$T/out"
}

# lat_ms SPORT: that line's latency, in whole milliseconds.
lat_ms() { line_for "$1" | awk '{ printf "%d\n", $8 }'; }

# one_connect SPORT: connect from SPORT, wait for its line, check PID+comm.
one_connect() {
	local pid
	tcp_connect "$PORT" --sport "$1"
	assert_success
	pid=$(tcp_client_pid)
	wait_for_line "$T/out" "^$pid +python3 +4 +10\.11\.0\.2 +$1 +10\.11\.0\.1 +$PORT "
	assert_equal "$(line_for "$1" | wc -l)" 1
}

# netem_case MODE: 20 ms of netem on the server's veth delays its SYN-ACK;
# the latency is at least that, and far below a SYN retransmission (1 s).
netem_case() {
	require_qdisc netem delay 1ms
	tcp_serve "$T/srv" "$PORT"
	netem_delay 20
	start -m "$1"
	one_connect "$SPORT"
	stop
	assert [ "$(lat_ms "$SPORT")" -ge 20 ]
	assert [ "$(lat_ms "$SPORT")" -lt 1000 ]
}

@test "tracepoint: a connect is one line with its PID, comm, addresses and ports; a refused one is none" {
	tcp_serve "$T/srv" "$PORT" --count 2
	start -m tracepoint
	assert_equal "$(head -1 "$T/out")" \
		"Tracing TCP connect latency with the sock:inet_sock_set_state tracepoint. Ctrl-C to stop."
	one_connect "$SPORT"
	# Nobody listens on PORT+2: RST, SYN_SENT -> CLOSE, no latency line.
	run "${IN_PEER[@]}" python3 "$TCP_PY" connect "$TCP_SERVER" $((PORT + 2)) --sport 47124
	assert_equal "$status" 2
	assert_output --partial "refused"
	# A later connect proves the refused one had its chance to show up.
	one_connect 47126
	stop
	refute_output --regexp " 10\.11\.0\.1 +$((PORT + 2)) "
	refute_output --regexp " 47124 "
}

@test "tracepoint: a SYN dropped by a full accept queue costs the 1 s retransmission" {
	start -m tracepoint
	tcp_full_queue "$PORT" "$SPORT" 47124
	wait_for_line "$T/out" " 10\.11\.0\.2 +47124 +10\.11\.0\.1 +$PORT +[0-9.]+$"
	stop
	assert_equal "$(line_for "$SPORT" | wc -l)" 1
	assert [ "$(lat_ms 47124)" -ge 1000 ]
	assert [ "$(lat_ms 47124)" -lt 10000 ]
}

@test "auto: the hook taken and every skipped hook's reason match the kernel probes" {
	local h why note="" chosen=tracepoint
	for h in fentry kprobe; do
		why=$(probe_reason "$h") || { chosen=$h; break; }
		note+="${note:+; }$h unavailable ($why)"
	done
	start
	stop
	if [ -n "$note" ]; then
		assert_line --index 0 "tcpconnlat: $note: using $chosen"
	fi
	case $chosen in
	fentry) assert_output --partial "Tracing TCP connect latency with fentry on " ;;
	kprobe) assert_output --partial "Tracing TCP connect latency with kprobes on " ;;
	*) assert_output --partial "with the sock:inet_sock_set_state tracepoint." ;;
	esac
}

@test "tracepoint: netem delay 20ms => latency >= 20 ms and < 1 s" {
	netem_case tracepoint
}

@test "fentry: netem delay 20ms => latency >= 20 ms and < 1 s" {
	require_feature fentry
	netem_case fentry
	run "$BPFTOOL" prog show name rcv_state_fentry
	assert_output ""
}

@test "kprobe: netem delay 20ms => latency >= 20 ms and < 1 s" {
	require_feature kprobe
	netem_case kprobe
}

@test "-p: only connects by that PID" {
	tcp_serve "$T/srv" "$PORT" --count 2
	gated_connect other "$PORT" --sport 47124
	local other=$GATED_PID
	gated_connect mine "$PORT" --sport "$SPORT"
	start -p "$GATED_PID"
	release -w other
	assert_equal "$STATUS" 0
	release -w mine
	assert_equal "$STATUS" 0
	wait_for_line "$T/out" "^$GATED_PID +python3 +4 +10\.11\.0\.2 +$SPORT "
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 47124 "
	stop
	refute_output --regexp "^$other "
	refute_output --regexp " 47124 "
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -m kretprobe
	assert_equal "$status" 64
	assert_line --index 0 "tcpconnlat: invalid mode 'kretprobe': want one of auto, fentry, kprobe, tracepoint"
	run "$BIN" -p -5
	assert_equal "$status" 64
	assert_line --index 0 --partial "tcpconnlat: invalid PID '-5'"
	run "$BIN" --bogus
	assert_equal "$status" 64
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "forcing a hook the kernel lacks: one line with the probed reason, exit 1" {
	local h why tried=0
	for h in fentry kprobe; do
		why=$(probe_reason "$h") || continue
		tried=1
		run "$BIN" -m "$h"
		assert_equal "$status" 1
		assert_output "tcpconnlat: $h mode unavailable: $why"
	done
	[ "$tried" = 1 ] || skip "this kernel has both fentry and kprobes"
}

@test "SIGINT and SIGTERM detach everything" {
	local sig
	for sig in INT TERM; do
		start
		run bash -c "$BPFTOOL prog show | grep -cE 'name (state_tp|connect_v[46]_(fentry|kprobe)|rcv_state_(fentry|kprobe)) '"
		assert [ "$output" -ge 1 ]
		stop_bg "$BG_PID" "$sig"
		assert_equal "$STATUS" 0
		wait_until 10 bash -c "! $BPFTOOL prog show | grep -qE 'name (state_tp|connect_v[46]_|rcv_state_)'" ||
			fail "programs still loaded after SIG$sig"
	done
}

@test "README: every command of 'Run it' works as written" {
	local cmds bg
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 7
	cd "$ROOT"
	readme_try "${cmds[0]}" "LAT(ms)"
	readme_try "${cmds[1]}" "with the sock:inet_sock_set_state tracepoint"
	readme_try "${cmds[2]}" "for PID "

	# The test-network block (setup, server, client, teardown), with the
	# loader running.
	_NETNS+=(lsn21)
	tools/testenv teardown lsn21
	start -m tracepoint
	run bash -c "${cmds[3]}"
	assert_success
	bg=$BG_PID
	start_bg "$T/srv" bash -c "${cmds[4]} wait"
	BG_PID=$bg
	wait_for_line "$T/srv" "^listening "
	run bash -c "${cmds[5]}"
	assert_success
	wait_for_line "$T/out" "^$(tcp_client_pid) +python3 +4 +10\.11\.0\.2 +[0-9]+ +10\.11\.0\.1 +8080 "
	wait_for_line "$T/srv" "^served "
	run bash -c "${cmds[6]}"
	assert_success
	stop
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
