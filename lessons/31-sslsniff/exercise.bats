#!/usr/bin/env bats
# Exercise 31 (README "Exercise"): -l, each call's latency (entry to
# return) in a LAT(us) column before DATA.  Checked with openssl s_server
# and a Python TLS client whose SSL_read_ex waits for a reply the test
# holds back 1.5 s: that read must show at least 1 s; the other calls'
# lines must keep their plaintext and show a number too.
load ../../tests/lib
load tls

HOLD=1.5

# calls FILE PID: PID's events as "DIR LEN FUNC LAT DATA" (with -l, LAT is
# the 7th field, DATA the rest).
calls() {
	awk -v pid="$2" '$3 == pid {
		d = $0
		for (i = 1; i <= 7; i++) sub(/^[^ ]+ +/, "", d)
		print $2, $5, $6, $7, d
	}' "$1"
}

@test "-l (--latency) is an option" {
	run "$BIN" -l --help
	assert_success
	run "$BIN" --latency --help
	assert_success
	assert_output --partial -- "--latency"
}

@test "-l: a LAT(us) column; the read that waited 1.5 s for its reply shows at least 1000000" {
	local py spid lat
	"$BIN" -l --help >/dev/null 2>&1 || fail "sslsniff has no -l option"
	start_bg "$T/out" "$BIN" -l
	wait_for_line "$T/out" '^TIME +DIR +PID +COMM +LEN +FUNC +LAT\(us\) +DATA$'
	mkfifo "$T/s.in"
	openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$T/cert.pem" -key "$T/key.pem" \
		<"$T/s.in" >"$T/s.out" 2>&1 3>&- &
	spid=$!
	_BG_PIDS+=("$spid")
	exec {sfd}>"$T/s.in"
	wait_until 30 listening || fail "s_server does not listen on $PORT: $(cat "$T/s.out")"
	# Says "reading" just before the recv() (SSL_read_ex) that waits.
	python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        t.sendall(b"ping\n")
        print("reading", flush=True)
        got = b""
        while not got.endswith(b"\n"):
            got += t.recv(4096)
        sys.stdout.write(got.decode())
' "$PORT" "$T/cert.pem" >"$T/py.out" 2>&1 3>&- &
	py=$!
	_BG_PIDS+=("$py")
	got "$T/s.out" ping
	got "$T/py.out" reading
	sleep "$HOLD"
	echo pong >&"$sfd"
	wait "$py" || fail "the python client failed: $(cat "$T/py.out")"
	wait_for_count "$T/out" "^[0-9:]{8} +[A-Z]+ +($py|$spid) " 4 30
	stop_bg_output "$T/out"
	run calls "$T/out" "$py"
	assert_line --index 0 --regexp '^WRITE 5 SSL_write_ex [0-9]+ "ping\\n"$'
	assert_line --index 1 --regexp '^READ 5 SSL_read_ex [0-9]+ "pong\\n"$'
	lat=$(awk 'NR == 2 { print $4 }' <<<"$output")
	[ "$lat" -ge 1000000 ] || fail "the read waited $HOLD s for its reply, LAT(us) says $lat"
	run calls "$T/out" "$spid"
	assert_line --index 0 --regexp '^READ 5 SSL_read [0-9]+ "ping\\n"$'
	assert_line --index 1 --regexp '^WRITE 5 SSL_write [0-9]+ "pong\\n"$'
}
