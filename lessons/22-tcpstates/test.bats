#!/usr/bin/env bats
# Lesson 22: the state changes of one scripted connection (connect, send,
# hold, close) in the test's own namespaces, socket by socket, against the
# TCP state machine and the client's own PID, ports and hold time; the RTT
# histogram against traffic we send (host) and a netem delay (VM).
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcpstates
PORT=47131
SPORT=47132

setup() { tcp_setup; }
teardown() { lesson_teardown; }

start() { start_bin '^SKADDR +PID +COMM +IP +LADDR +LPORT +RADDR +RPORT +OLDSTATE +-> +NEWSTATE +MS$' "$@"; }

stop() { stop_bg_output "$T/out"; }

# skaddr LADDR LPORT RADDR RPORT: the SKADDR of the socket with that
# 4-tuple (the first line of a socket may lack it: see by_sk).
skaddr() {
	awk -v la="$1" -v lp="$2" -v ra="$3" -v rp="$4" \
		'$5 == la && $6 == lp && $7 == ra && $8 == rp { print $1 }' "$T/out" | sort -u
}

# by_sk SKADDR: "OLD->NEW" lines of that socket.  By address, not 4-tuple:
# on 6.1 an accepted socket's LISTEN -> SYN_RECV fires while it is being
# cloned from the listener, before its remote address is set.
# (Our ports too: a freed socket's address may be reused by another one.)
by_sk() {
	awk -v sk="$1" -v p="$PORT" -v s="$SPORT" \
		'$1 == sk && ($6 == p || $6 == s) { print $9 "->" $11 }' "$T/out"
}

# transitions LADDR LPORT RADDR RPORT: "OLD->NEW" lines of that socket.
transitions() {
	local sk
	sk=$(skaddr "$@")
	[ "$(wc -l <<<"$sk")" = 1 ] || fail "socket $*: SKADDRs '$sk'"
	by_sk "$sk"
}

# field LPORT RPORT OLD NEW COL: column COL of that one transition's line.
field() {
	awk -v lp="$1" -v rp="$2" -v o="$3" -v n="$4" -v c="$5" \
		'$6 == lp && $8 == rp && $9 == o && $11 == n { print $c }' "$T/out"
}

# hist_count LOW: the histogram count of the slot starting at LOW usecs.
hist_count() {
	awk -v lo="$1" '$2 == "->" && $1 == lo { print $5 }' "$T/out"
}

# hist_total [BELOW]: samples in all slots (below BELOW usecs, if given).
hist_total() {
	awk -v b="${1:-}" '$2 == "->" && $4 == ":" && (b == "" || $1 < b) { n += $5 } END { print n + 0 }' "$T/out"
}

# one_connection ARGS...: server on PORT, a client from SPORT with ARGS;
# both have exited when this returns.
one_connection() {
	tcp_serve "$T/srv" "$PORT"
	tcp_connect "$PORT" --sport "$SPORT" "$@"
	assert_success
	CLIENT_PID=$(tcp_client_pid)
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $SPORT "
	wait "$SERVE_PID"
}

# Each socket's last change: listener, client, accepted socket.
listener_closed() { wait_for_line "$T/out" " 10\.11\.0\.1 +$PORT +0\.0\.0\.0 +0 +LISTEN +-> CLOSE "; }
client_closed() { wait_for_line "$T/out" " $SPORT +10\.11\.0\.1 +$PORT +FIN_WAIT2 +-> CLOSE "; }
child_closed() { wait_for_line "$T/out" " $PORT +10\.11\.0\.2 +$SPORT +LAST_ACK +-> CLOSE "; }

# rtt_netem MODE: 20 ms of netem on the server's veth: every RTT sample of
# the server's sockets is at least 16384 us (the slot holding 20 ms) and
# far below a second.
rtt_netem() {
	require_qdisc netem delay 1ms
	netem_delay 20
	start -r -m "$1" -L "$PORT"
	one_connection --send 200000
	child_closed
	stop
	assert_output --partial "RTTs from $2."
	assert [ "$(hist_total)" -gt 0 ]
	assert_equal "$(hist_total 16384)" 0
	assert_equal "$(($(hist_total) - $(hist_total 1048576)))" 0
}

@test "one connection: the exact state sequence of the listener, the client and the accepted socket" {
	local ms
	start
	one_connection --send 100000 --hold-ms 300
	listener_closed
	client_closed
	child_closed
	stop
	# The listener: the socket of the CLOSE -> LISTEN line.
	assert_equal "$(by_sk "$(awk -v p="$PORT" '$6 == p && $9 == "CLOSE" && $11 == "LISTEN" { print $1 }' "$T/out")")" \
		"CLOSE->LISTEN
LISTEN->CLOSE"
	assert_equal "$(transitions 10.11.0.2 "$SPORT" 10.11.0.1 "$PORT")" "CLOSE->SYN_SENT
SYN_SENT->ESTABLISHED
ESTABLISHED->FIN_WAIT1
FIN_WAIT1->FIN_WAIT2
FIN_WAIT2->CLOSE"
	assert_equal "$(transitions 10.11.0.1 "$PORT" 10.11.0.2 "$SPORT")" "LISTEN->SYN_RECV
SYN_RECV->ESTABLISHED
ESTABLISHED->CLOSE_WAIT
CLOSE_WAIT->LAST_ACK
LAST_ACK->CLOSE"
	# connect() and listen() run in the processes that called them.
	assert_equal "$(field "$SPORT" "$PORT" CLOSE SYN_SENT 2)" "$CLIENT_PID"
	assert_equal "$(field "$PORT" 0 CLOSE LISTEN 2)" "$(sed -n 's/^listening .* pid=//p' "$T/srv")"
	# The client held the connection 300 ms before close().
	ms=$(field "$SPORT" "$PORT" ESTABLISHED FIN_WAIT1 12)
	assert [ "${ms%.*}" -ge 300 ]
	# The first change of a socket has no earlier one to measure from.
	assert_equal "$(field "$SPORT" "$PORT" CLOSE SYN_SENT 12)" 0.000
}

@test "-D and -L: only sockets with that remote or local port" {
	start -D "$PORT"
	one_connection
	client_closed
	stop
	assert_equal "$(transitions 10.11.0.2 "$SPORT" 10.11.0.1 "$PORT" | wc -l)" 5
	# Nothing but RPORT == PORT: not the listener, not the accepted socket.
	run awk -v p="$PORT" 'NR > 2 && $8 != p' "$T/out"
	assert_output ""

	# A new client port: the first one's TIME_WAIT still holds its 4-tuple.
	SPORT=47134
	start -L "$PORT"
	one_connection
	listener_closed
	child_closed
	stop
	assert_equal "$(transitions 10.11.0.1 "$PORT" 10.11.0.2 "$SPORT" | wc -l)" 5
	assert_equal "$(count_lines "$T/out" " $PORT +0\.0\.0\.0 +0 +(CLOSE +-> LISTEN|LISTEN +-> CLOSE) ")" 2
	run awk -v p="$PORT" 'NR > 2 && $6 != p' "$T/out"
	assert_output ""
}

@test "--rtt (auto): the hook the probe allows; samples for a port with traffic, none for one without" {
	local why hook=fentry what=fentry/tcp_rcv_established
	if why=$(probe_reason fentry); then
		hook=tp_btf
		what=tp_btf/tcp_probe
	fi
	start -r -L "$PORT"
	one_connection --send 200000
	child_closed
	stop
	if [ "$hook" = tp_btf ]; then
		assert_line --index 0 "tcpstates: fentry unavailable ($why): using tp_btf"
	fi
	assert_line "Tracing TCP state changes, RTTs from $what. Ctrl-C to stop."
	assert_line "Smoothed RTT of every segment tcp_rcv_established() handled:"
	assert [ "$(hist_total)" -gt 0 ]

	# The same traffic, a local port nobody uses: no sample at all.
	SPORT=47134
	start -r -L $((PORT + 5))
	one_connection --send 200000
	stop
	assert_line "(no samples)"
}

@test "--rtt -m tp_btf: netem delay 20ms puts every sample at >= 16 ms" {
	require_feature tp_btf
	rtt_netem tp_btf tp_btf/tcp_probe
}

@test "--rtt -m fentry: netem delay 20ms puts every sample at >= 16 ms" {
	require_feature fentry
	rtt_netem fentry fentry/tcp_rcv_established
	run "$BPFTOOL" prog show name rtt_fentry
	assert_output ""
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -L 0
	assert_equal "$status" 64
	assert_line --index 0 --partial "tcpstates: invalid port '0'"
	run "$BIN" -D http
	assert_equal "$status" 64
	assert_line --index 0 --partial "tcpstates: invalid port 'http'"
	run "$BIN" -r -m kprobe
	assert_equal "$status" 64
	assert_line --index 0 "tcpstates: invalid mode 'kprobe': want one of auto, fentry, tp_btf"
	run "$BIN" -m fentry
	assert_equal "$status" 64
	assert_line --index 0 "tcpstates: invalid mode 'fentry': --mode picks the --rtt hook; add -r"
	run "$BIN" --bogus
	assert_equal "$status" 64
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGINT and SIGTERM detach everything" {
	assert_signals_detach 2 'name (handle_set_state|rtt_fentry|rtt_tp_btf) ' -r
}

@test "README: every command of 'Run it' works as written" {
	local cmds bg
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 7
	cd "$ROOT"
	readme_try "${cmds[0]}" "OLDSTATE    -> NEWSTATE"
	readme_try "${cmds[1]}" "Smoothed RTT"
	readme_try "${cmds[2]}" "OLDSTATE    -> NEWSTATE"

	# The test-network block (setup, server, client, teardown), with the
	# loader running.
	_NETNS+=(lsn22)
	tools/testenv teardown lsn22
	start -L 8080
	run bash -c "${cmds[3]}"
	assert_success
	bg=$BG_PID
	start_bg "$T/srv" bash -c "${cmds[4]} wait"
	BG_PID=$bg
	wait_for_line "$T/srv" "^listening "
	run bash -c "${cmds[5]}"
	assert_success
	wait_for_line "$T/out" " 10\.11\.0\.1 +8080 +10\.11\.0\.2 +[0-9]+ +LAST_ACK +-> CLOSE "
	run bash -c "${cmds[6]}"
	assert_success
	stop
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
