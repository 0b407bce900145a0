# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with the .bats files
# TCP test helpers around tests/tcp.py, for lessons whose oracle is a TCP
# connection the test makes itself.  Load after tests/lib, call netns_setup
# first: the server lives in the test netns ($NS, 10.11.0.1), clients in the
# peer ($NS-peer, 10.11.0.2).
#
#	load ../../tests/lib
#	load ../../tests/tcp

TCP_PY=$ROOT/tests/tcp.py
TCP_SERVER=10.11.0.1
TCP_CLIENT=10.11.0.2

# tcp_serve FILE PORT [ARGS...]: tcp.py serve on 10.11.0.1:PORT in the test
# netns, in the background (output in FILE), listening when this returns.
# Sets SERVE_PID (BG_PID is left as it was: it may be the loader's).
tcp_serve() {
	local file=$1 port=$2 bg=${BG_PID:-}
	shift 2
	start_bg "$file" "${IN_NS[@]}" python3 "$TCP_PY" serve "$TCP_SERVER" "$port" "$@"
	SERVE_PID=$BG_PID
	BG_PID=$bg
	wait_for_line "$file" "^listening "
}

# tcp_connect PORT [ARGS...]: `run` tcp.py connect from the peer netns to
# 10.11.0.1:PORT (ARGS: --sport N --send N --hold-ms MS).
tcp_connect() {
	run "${IN_PEER[@]}" python3 "$TCP_PY" connect "$TCP_SERVER" "$@"
}

# tcp_client_pid: the pid=N of the last tcp_connect's output.
tcp_client_pid() {
	sed -n 's/.* pid=\([0-9]*\)$/\1/p' <<<"$output" | head -1
}

# gated_connect NAME PORT [ARGS...]: a client held at a gate (tests/lib
# gated) so its PID is known before it connects: GATED_PID; `release NAME`.
# Its output goes to $BATS_TEST_TMPDIR/NAME.out.
gated_connect() {
	local name=$1
	shift
	# shellcheck disable=SC2016 # the gated shell expands these
	gated "$name" 'o=$1; shift; exec "$@" >"$o" 2>&1' "$BATS_TEST_TMPDIR/$name.out" \
		ip netns exec "$NS-peer" python3 "$TCP_PY" connect "$TCP_SERVER" "$@"
}

# listen_overflows: how many SYNs the test netns's kernel has dropped
# because a listener's accept queue was full (TcpExtListenOverflows).
listen_overflows() {
	"${IN_NS[@]}" nstat -asz TcpExtListenOverflows |
		awk '$1 == "TcpExtListenOverflows" { print $2 }'
}

_overflows_above() { [ "$(listen_overflows)" -gt "$1" ]; }

# tcp_server_has SPORT: the server's kernel has the connection from client
# port SPORT (established, or closed by the client since).
tcp_server_has() {
	"${IN_NS[@]}" ss -Htn "( dport = :$1 )" | grep -q .
}

# tcp_full_queue PORT FAST SLOW: a connect from FAST, answered at once, then
# one from SLOW whose first SYN is dropped: the server (output in $T/srv)
# listens with backlog 0 and accepts nothing until the netns's kernel has
# counted that drop, so FAST's connection fills its queue.  SLOW gets
# through with a retransmitted SYN, 1 s (the initial RTO) or more later.
# Returns once the server has served SLOW.
tcp_full_queue() {
	local port=$1 fast=$2 slow=$3 bg=${BG_PID:-} drops
	tcp_serve "$T/srv" "$port" --backlog 0 --accept-after "$T/accept" --count 2
	tcp_connect "$port" --sport "$fast"
	assert_success
	wait_until 5 tcp_server_has "$fast" || fail "the connect from $fast never filled the queue"
	drops=$(listen_overflows)
	start_bg "$T/slow" "${IN_PEER[@]}" python3 "$TCP_PY" connect "$TCP_SERVER" "$port" --sport "$slow"
	BG_PID=$bg
	wait_until 10 _overflows_above "$drops" || fail "no SYN from $slow was dropped"
	touch "$T/accept"
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 $slow 0$"
}

# netem_delay MS: every packet leaving veth0 in the test netns waits MS ms
# (require_qdisc netem first).  Deleted with the netns by lesson_teardown.
netem_delay() {
	tc -n "$NS" qdisc add dev veth0 root netem delay "${1}ms"
}

# tcp_setup: the setup() of a lesson whose loader watches TCP connections
# the test makes: lesson_setup, a fresh netns_setup, T=$BATS_TEST_TMPDIR.
tcp_setup() {
	lesson_setup
	netns_setup
	T=$BATS_TEST_TMPDIR
}

# tcp6_setup: NS6, one more netns of the test's own with lo up and IPv6 on
# (tools/testenv turns IPv6 off in the test netns), removed by teardown.
tcp6_setup() {
	NS6=lsn6x$$t$BATS_TEST_NUMBER
	ip netns add "$NS6"
	_NETNS+=("$NS6")
	ip -n "$NS6" link set lo up
}

# tcp6_refused SPORT PORT: `run` a connect from [::1]:SPORT to [::1]:PORT in
# NS6, refused (nothing listens); PID6 is the client's PID.
tcp6_refused() {
	run ip netns exec "$NS6" python3 -c '
import os, socket, sys
print("pid", os.getpid(), flush=True)
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("::1", int(sys.argv[1])))
try:
    s.connect(("::1", int(sys.argv[2])))
except ConnectionRefusedError:
    print("refused")
' "$1" "$2"
	assert_success
	assert_line refused
	PID6=$(sed -n 's/^pid //p' <<<"$output")
}
