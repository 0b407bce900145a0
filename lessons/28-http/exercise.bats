#!/usr/bin/env bats
# Exercise 28 (README "Exercise"): -m socket sees HTTP over IPv6 too.
# Checked on the test network with IPv6 turned on for the veth pair only
# (fd00::1 on veth0, fd00::2 on the peer's veth1, static neighbours): a
# python3 http.server on [fd00::1]:8000, curl in the peer for a path the
# test picks; every request and status line must show, tied to the side it
# came from, and nothing else.
load ../../tests/lib

BIN=$OUT/http

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	netns_setup
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.veth0.disable_ipv6=0
	ip netns exec "$NS-peer" sysctl -qw net.ipv6.conf.veth1.disable_ipv6=0
	ip -n "$NS" addr add fd00::1/64 dev veth0 nodad
	ip -n "$NS-peer" addr add fd00::2/64 dev veth1 nodad
	ip -n "$NS" neigh replace fd00::2 lladdr 02:00:0a:0b:00:02 dev veth0 nud permanent
	ip -n "$NS-peer" neigh replace fd00::1 lladdr 02:00:0a:0b:00:01 dev veth1 nud permanent
	PAGE=lesson28-$RANDOM$RANDOM.txt
	mkdir "$T/www"
	echo hello >"$T/www/$PAGE"
}
teardown() { lesson_teardown; }

# server ADDR: python3's http.server on ADDR port 8000 in the test netns,
# answering before this returns.
server() {
	start_bg "$T/server-$1.log" "${IN_NS[@]}" python3 -m http.server 8000 --bind "$1" \
		--directory "$T/www"
	wait_until 10 "${IN_PEER[@]}" curl -gs -o /dev/null "http://$2:8000/" ||
		fail "http.server on $1 did not come up: $(cat "$T/server-$1.log")"
}

# fetch HOST PATH: curl from the peer; sets output to the body.
fetch() { run "${IN_PEER[@]}" curl -gs -m 5 "http://$1:8000/$2"; }

start_http() {
	LOG=$T/out
	start_bg "$LOG" "${IN_NS[@]}" "$BIN" -m socket -i veth0
	wait_for_line "$LOG" '^FROM '
}

@test "-m socket over IPv6: curl's request line from [fd00::2]:PORT, the server's status lines from [fd00::1]:8000" {
	server fd00::1 '[fd00::1]'
	start_http
	fetch '[fd00::1]' "$PAGE"
	assert_output hello
	fetch '[fd00::1]' "missing-$PAGE"
	wait_for_line "$LOG" '404 File not found$' 5
	stop_bg_output "$LOG"
	assert_line --regexp "^\[fd00::2\]:[0-9]+ +\[fd00::1\]:8000 +GET /$PAGE HTTP/1\.1\$"
	assert_line --regexp "^\[fd00::1\]:8000 +\[fd00::2\]:[0-9]+ +HTTP/1\.0 200 OK\$"
	assert_line --regexp "^\[fd00::2\]:[0-9]+ +\[fd00::1\]:8000 +GET /missing-$PAGE HTTP/1\.1\$"
	assert_line --regexp "^\[fd00::1\]:8000 +\[fd00::2\]:[0-9]+ +HTTP/1\.0 404 File not found\$"
}

@test "-m socket with IPv4 and IPv6 at once: each exchange once, and no handshake, ACK or body line" {
	server 10.11.0.1 10.11.0.1
	server fd00::1 '[fd00::1]'
	start_http
	fetch 10.11.0.1 "$PAGE"
	assert_output hello
	fetch '[fd00::1]' "$PAGE"
	assert_output hello
	wait_for_count "$LOG" 'HTTP/1\.0 200 OK$' 2 5
	stop_bg_output "$LOG"
	assert_line --regexp "^10\.11\.0\.2:[0-9]+ +10\.11\.0\.1:8000 +GET /$PAGE HTTP/1\.1\$"
	assert_line --regexp "^10\.11\.0\.1:8000 +10\.11\.0\.2:[0-9]+ +HTTP/1\.0 200 OK\$"
	assert_line --regexp "^\[fd00::2\]:[0-9]+ +\[fd00::1\]:8000 +GET /$PAGE HTTP/1\.1\$"
	assert_line --regexp "^\[fd00::1\]:8000 +\[fd00::2\]:[0-9]+ +HTTP/1\.0 200 OK\$"
	# 2 requests + 2 responses; the readiness probes ran before the loader.
	run grep -cvE '^(Capturing|FROM) ' "$LOG"
	assert_output 4
}
