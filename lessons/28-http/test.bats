#!/usr/bin/env bats
# Lesson 28: a python3 http.server in the test namespace and curl in the
# peer, for a path the test picks; both modes must print that request line
# and the server's status line, each tied to the side it came from.
load ../../tests/lib

BIN=$OUT/http

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	netns_setup
	# A file whose name only this test run knows.
	PAGE=lesson28-$RANDOM$RANDOM.txt
	mkdir "$T/www"
	echo hello >"$T/www/$PAGE"
}
teardown() { lesson_teardown; }

# server: python3's http.server on 10.11.0.1:8000 in the test netns (its
# PID is SERVER: `ip netns exec` execs python3).
server() {
	start_bg "$T/server.log" "${IN_NS[@]}" python3 -m http.server 8000 --bind 10.11.0.1 \
		--directory "$T/www"
	SERVER=$BG_PID
	wait_until 10 "${IN_PEER[@]}" curl -s -o /dev/null http://10.11.0.1:8000/ ||
		fail "http.server did not come up: $(cat "$T/server.log")"
}

# fetch PATH: curl from the peer; sets output to the body.
fetch() { run "${IN_PEER[@]}" curl -s -m 5 "http://10.11.0.1:8000/$1"; }

# A new file each time: the old one may still hold a header line.
start() {
	OUTF=$(mktemp "$T/out.XXXXXX")
	start_bg "$OUTF" "$@"
	wait_for_line "$OUTF" '^(FROM|PID) '
}

@test "-m socket on veth0: the request line from curl, the status line from the server" {
	server
	start "${IN_NS[@]}" "$BIN" -m socket -i veth0
	fetch "$PAGE"
	assert_success
	assert_output hello
	fetch "missing-$PAGE"
	wait_for_line "$OUTF" '404 File not found$'
	stop_bg_output "$OUTF"
	assert_line --index 0 "Capturing HTTP on veth0 with a socket filter. Ctrl-C to stop."
	# Peer (10.11.0.2, some port) -> server, and back.
	assert_line --regexp "^10\.11\.0\.2:[0-9]+ +10\.11\.0\.1:8000 +GET /$PAGE HTTP/1\.1\$"
	assert_line --regexp "^10\.11\.0\.1:8000 +10\.11\.0\.2:[0-9]+ +HTTP/1\.0 200 OK\$"
	assert_line --regexp "^10\.11\.0\.2:[0-9]+ +10\.11\.0\.1:8000 +GET /missing-$PAGE HTTP/1\.1\$"
	assert_line --regexp "^10\.11\.0\.1:8000 +10\.11\.0\.2:[0-9]+ +HTTP/1\.0 404 File not found\$"
	# Only HTTP lines got through the filter: no handshakes, no ACKs, no
	# body ("hello"): 2 requests + 2 responses (the readiness probe in
	# server() ran before the loader).
	run grep -cvE '^(Capturing|FROM) ' "$OUTF"
	assert_output 4
}

@test "-m socket on lo sees nothing of traffic that crosses veth0" {
	server
	start "${IN_NS[@]}" "$BIN" -m socket -i lo
	fetch "$PAGE"
	assert_output hello
	# What the server got on its own loopback does show.
	run "${IN_NS[@]}" curl -s -m 5 "http://10.11.0.1:8000/$PAGE"
	assert_output hello
	wait_for_line "$OUTF" "GET /$PAGE HTTP/1\\.1\$"
	stop_bg_output "$OUTF"
	assert_equal "$(count_lines "$OUTF" "GET /$PAGE ")" 1
	refute_line --regexp '^10\.11\.0\.2:'
}

@test "-m syscall: the server reads the request and writes the status, curl the reverse" {
	server
	start "$BIN" -m syscall
	fetch "$PAGE"
	assert_output hello
	wait_for_line "$OUTF" "^$SERVER +python3 +OUT .*HTTP/1\\.0 200 OK\$"
	stop_bg_output "$OUTF"
	assert_line --index 0 "Capturing HTTP in read/recvfrom/write/sendto. Ctrl-C to stop."
	# The same request line twice: leaving curl, arriving at the server.
	assert_line --regexp "^[0-9]+ +curl +OUT +(write|sendto) +[0-9]+ GET /$PAGE HTTP/1\\.1\$"
	assert_line --regexp "^$SERVER +python3 +IN +(read|recvfrom) +[0-9]+ GET /$PAGE HTTP/1\\.1\$"
	assert_line --regexp "^[0-9]+ +curl +IN +(read|recvfrom) +[0-9]+ HTTP/1\\.0 200 OK\$"
}

@test "-m syscall -p: only that process" {
	server
	start "$BIN" -m syscall -p "$SERVER"
	fetch "$PAGE"
	assert_output hello
	wait_for_line "$OUTF" "^$SERVER +python3 +OUT .*HTTP/1\\.0 200 OK\$"
	stop_bg_output "$OUTF"
	assert_line --index 0 "Capturing HTTP in read/recvfrom/write/sendto of PID $SERVER. Ctrl-C to stop."
	assert_line --regexp "^$SERVER +python3 +IN +(read|recvfrom) +[0-9]+ GET /$PAGE HTTP/1\\.1\$"
	run awk -v p="$SERVER" '$1 ~ /^[0-9]+$/ && $1 != p' "$OUTF"
	assert_output ""
}

@test "bad input: exit 64 with one line; not root: exit 1" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -m tcpdump
	assert_bad_input "http: invalid mode 'tcpdump': want one of socket, syscall"
	run "$BIN" -i nosuch0
	assert_bad_input "http: invalid interface 'nosuch0': no such interface"
	run "$BIN" -m syscall -p notapid
	assert_bad_input "http: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	cp "$BIN" "$T/http"
	chmod 755 "$T" "$T/http"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/http"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: socket filter and tracepoints are gone afterwards" {
	start "${IN_NS[@]}" "$BIN" -m socket -i veth0
	run "$BPFTOOL" prog show name http_filter
	assert_output --partial socket_filter
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone http_filter
	start "$BIN" -m syscall
	run "$BPFTOOL" prog show name read_exit_tp
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone read_exit_tp
}

@test "README: the commands in Run it work as shown" {
	local cmds c1 c2 c3 c4 c
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 4
	# Two loaders (socket filter, syscalls); the server; curl.
	c1=${cmds[0]} c2=${cmds[1]} c3=${cmds[2]} c4=${cmds[3]}
	cd "$ROOT"
	# In the test netns, so port 8000 on its own loopback is free.  The
	# server starts first (Python takes seconds under emulation), then the
	# loader, and curl runs within the loader's 5 seconds.
	local f serve srv
	for c in "$c1" "$c2"; do
		rm -f "$T/ready" "$T/go"
		serve="$c3 until curl -so /dev/null http://127.0.0.1:8000/; do sleep 0.2; done"
		serve+="; touch $T/ready; until [ -e $T/go ]; do sleep 0.1; done; $c4"
		start_bg "$T/serve.out" "${IN_NS[@]}" bash -c "$serve"
		srv=$BG_PID
		wait_until 60 test -e "$T/ready" || fail "the server never answered"
		f=$(mktemp "$T/c.XXXXXX")
		start_bg "$f" "${IN_NS[@]}" bash -c "$c"
		wait_for_line "$f" '^(FROM|PID) ' 60
		touch "$T/go"
		wait "$srv"
		run cat "$T/serve.out"
		assert_output --partial "title=http"
		wait "$BG_PID"
		run cat "$f"
		assert_line --regexp 'GET /28-http/lesson\.conf HTTP/1\.1$'
		assert_line --regexp 'HTTP/1\.0 200 OK$'
	done
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
