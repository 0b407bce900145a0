#!/usr/bin/env bats
# Lesson 31: openssl s_server and a TLS client (openssl s_client, or Python's
# ssl module, which calls SSL_read_ex/SSL_write_ex) talk on loopback with a
# certificate made here; the lines the test feeds each side must appear, as
# the sniffer's plaintext, for exactly the PID that wrote and the PID that
# read them, and nothing else for those PIDs.
load ../../tests/lib
load tls

# sniff FILE ARGS...: the sniffer writing to FILE, once it is attached.
sniff() {
	local f=$1
	shift
	start_bg "$f" "$BIN" "$@"
	wait_for_line "$f" '^TIME +DIR +PID +COMM +LEN +FUNC +DATA$'
}

# start_server: openssl s_server on PORT, copying its stdin (a fifo we hold
# open as fd SFD) to the client and what it reads to $T/s.out.  Sets SPID.
start_server() {
	mkfifo "$T/s.in"
	openssl s_server -quiet -accept "127.0.0.1:$PORT" -cert "$T/cert.pem" -key "$T/key.pem" \
		<"$T/s.in" >"$T/s.out" 2>&1 3>&- &
	SPID=$!
	_BG_PIDS+=("$SPID")
	exec {SFD}>"$T/s.in"
	wait_until 30 listening || fail "s_server does not listen on $PORT: $(cat "$T/s.out")"
}

# start_client: openssl s_client the same way: fd CFD, $T/c.out, CPID.
start_client() {
	mkfifo "$T/c.in"
	openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$T/cert.pem" \
		<"$T/c.in" >"$T/c.out" 2>"$T/c.err" 3>&- &
	CPID=$!
	_BG_PIDS+=("$CPID")
	exec {CFD}>"$T/c.in"
}

# talk MSG REPLY: the client sends the line MSG, then the server REPLY.
talk() {
	printf '%s\n' "$1" >&"$CFD"
	got "$T/s.out" "$1"
	printf '%s\n' "$2" >&"$SFD"
	got "$T/c.out" "$2"
}

# calls FILE PID: PID's events as "DIR LEN FUNC DATA", in order
# (TIME DIR PID COMM LEN FUNC DATA; DATA may hold spaces).
calls() {
	awk -v pid="$2" '$3 == pid {
		d = $0
		for (i = 1; i <= 6; i++) sub(/^[^ ]+ +/, "", d)
		print $2, $5, $6, d
	}' "$1"
}

@test "s_client -> s_server: each side's plaintext, both directions, nothing else" {
	local msg reply
	# A tab and quotes: printed C-escaped, on one line.
	msg=$'GET /secret?token=7Hx2 "q"\tend'
	reply="200 OK from the server $RANDOM"
	sniff "$T/out"
	start_server
	start_client
	talk "$msg" "$reply"
	wait_for_count "$T/out" "^[0-9:]{8} +[A-Z]+ +($CPID|$SPID) +openssl " 4
	stop_bg_output "$T/out"
	assert_line --index 0 --regexp "^Tracing SSL_read/SSL_write/SSL_read_ex/SSL_write_ex in /.*/libssl\.so\.3 \(from ldconfig -p\)\. Ctrl-C to stop\.$"
	assert_equal "$(calls "$T/out" "$CPID")" \
		"WRITE $((${#msg} + 1)) SSL_write \"GET /secret?token=7Hx2 \\\"q\\\"\\tend\\n\"
READ $((${#reply} + 1)) SSL_read \"$reply\\n\""
	assert_equal "$(calls "$T/out" "$SPID")" \
		"READ $((${#msg} + 1)) SSL_read \"GET /secret?token=7Hx2 \\\"q\\\"\\tend\\n\"
WRITE $((${#reply} + 1)) SSL_write \"$reply\\n\""
}

@test "SSL_read_ex/SSL_write_ex (Python's ssl); -c COMM keeps only that name" {
	local py reply=pong
	sniff "$T/all"
	local all=$BG_PID
	sniff "$T/py" -c python3
	start_server
	# Python 3.10+ calls SSL_write_ex and SSL_read_ex.
	python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        t.sendall(b"ping from python\n")
        got = b""
        while not got.endswith(b"\n"):
            got += t.recv(4096)
        sys.stdout.write(got.decode())
' "$PORT" "$T/cert.pem" >"$T/py.out" 2>&1 3>&- &
	py=$!
	_BG_PIDS+=("$py")
	got "$T/s.out" "ping from python"
	printf '%s\n' "$reply" >&"$SFD"
	wait "$py" || fail "the python client failed: $(cat "$T/py.out")"
	assert_equal "$(cat "$T/py.out")" "$reply"
	wait_for_count "$T/all" "^[0-9:]{8} +[A-Z]+ +($py|$SPID) " 4 30
	wait_for_count "$T/py" "^[0-9:]{8} +[A-Z]+ +$py " 2 30
	stop_bg_output "$T/py"
	assert_line --index 0 --partial ", comm python3. Ctrl-C to stop."
	assert_equal "$(calls "$T/py" "$py")" \
		'WRITE 17 SSL_write_ex "ping from python\n"
READ 5 SSL_read_ex "pong\n"'
	assert_equal "$(calls "$T/py" "$SPID")" ""
	BG_PID=$all
	stop_bg_output "$T/all"
	assert_equal "$(calls "$T/all" "$py")" "$(calls "$T/py" "$py")"
	assert_equal "$(calls "$T/all" "$SPID")" \
		'READ 17 SSL_read "ping from python\n"
WRITE 5 SSL_write "pong\n"'
}

@test "-p PID: the libssl that process maps, and only that process" {
	start_server
	sniff "$T/out" -p "$SPID"
	start_client
	talk "only the server" "sees this"
	wait_for_count "$T/out" "^[0-9:]{8} +[A-Z]+ +$SPID " 2
	stop_bg_output "$T/out"
	assert_line --index 0 --regexp "^Tracing .* in /.*/libssl\.so[.0-9]* \(from /proc/PID/maps\), PID $SPID\. Ctrl-C to stop\.$"
	assert_equal "$(calls "$T/out" "$SPID")" \
		'READ 16 SSL_read "only the server\n"
WRITE 10 SSL_write "sees this\n"'
	assert_equal "$(calls "$T/out" "$CPID")" ""
}

@test "-s BYTES: longer data is cut to BYTES and says how much it was" {
	sniff "$T/out" -s 12
	start_server
	start_client
	talk "0123456789abcdefghij" "short"
	wait_for_count "$T/out" "^[0-9:]{8} +[A-Z]+ +($CPID|$SPID) " 4
	stop_bg_output "$T/out"
	assert_equal "$(calls "$T/out" "$CPID")" \
		'WRITE 21 SSL_write "0123456789ab" (truncated: 12 of 21 bytes)
READ 6 SSL_read "short\n"'
	assert_equal "$(calls "$T/out" "$SPID")" \
		'READ 21 SSL_read "0123456789ab" (truncated: 12 of 21 bytes)
WRITE 6 SSL_write "short\n"'
}

@test "a full ring buffer: the events lost are counted, reported, and add up with those shown" {
	local n=400 pid dropped shown
	start_server
	sniff "$T/out" -c sslburst
	# 400 writes of 8 KiB while the reader is stopped: the 1 MiB ring buffer
	# holds about 126 of them; the rest can only be counted.
	kill -STOP "$BG_PID"
	run python3 -c '
import ctypes, os, socket, ssl, sys
ctypes.CDLL(None).prctl(15, b"sslburst", 0, 0, 0)
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        for _ in range(int(sys.argv[3])):
            t.sendall(b"x" * 8191 + b"\n")
print("pid", os.getpid())
' "$PORT" "$T/cert.pem" "$n"
	kill -CONT "$BG_PID"
	assert_success
	pid=${output#pid }
	stop_bg_output "$T/out"
	dropped=$(sed -nE 's/^sslsniff: ([0-9]+) events dropped \(ring buffer full\)$/\1/p' "$T/out")
	[ -n "$dropped" ] && [ "$dropped" -gt 0 ] || fail "no drops reported: $(grep -v '^[0-9:]\{8\} ' "$T/out")"
	shown=$(grep -cE "^[0-9:]{8} +WRITE +$pid +sslburst +8192 +SSL_write_ex " "$T/out")
	assert_equal "$((shown + dropped))" "$n"
	assert_equal "$(calls "$T/out" "$pid" | wc -l)" "$shown"
}

@test "bad input: exit 64 and one line for a bad value, 1 for what fails later" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -p notapid
	assert_equal "$status" 64
	assert_line --index 0 --partial "sslsniff: invalid PID 'notapid'"
	run "$BIN" -s 0
	assert_bad_input "sslsniff: invalid size '0': out of range 1..8192"
	run "$BIN" -s 9000
	assert_bad_input "sslsniff: invalid size '9000': out of range 1..8192"
	run "$BIN" -c ""
	assert_bad_input "sslsniff: invalid comm '': empty name"
	run "$BIN" -c averyveryverylongname
	assert_bad_input "sslsniff: invalid comm 'averyveryverylongname': longer than 15 characters (the kernel keeps no more)"
	run "$BIN" --libssl "$T/nosuch.so"
	assert_bad_input "sslsniff: invalid libssl '$T/nosuch.so': No such file or directory"
	run "$BIN" extra
	assert_bad_input "sslsniff: invalid argument 'extra': takes none"
	# Runtime: a file without SSL_read, a process without libssl.
	run "$BIN" --libssl "$OUT/sslsniff"
	assert_equal "$status" 1
	assert_output "sslsniff: no function SSL_read() in $OUT/sslsniff: is it libssl? (check: nm -D $OUT/sslsniff)"
	sleep 30 3>&- &
	_BG_PIDS+=("$!")
	run "$BIN" -p "$!"
	assert_equal "$status" 1
	assert_output "sslsniff: no libssl.so in /proc/$!/maps: the process does not use a shared libssl (give --libssl PATH)"
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: all 8 probes and programs gone; SIGINT exits 0" {
	local ids id
	sniff "$T/out"
	# 4 functions x (uprobe + uretprobe), all on the same libssl file.
	run "$BPFTOOL" perf
	assert_equal "$(grep -cE "^pid $BG_PID .* uprobe +filename /.*/libssl\.so\.3 " <<<"$output")" 4
	assert_equal "$(grep -cE "^pid $BG_PID .* uretprobe +filename /.*/libssl\.so\.3 " <<<"$output")" 4
	ids=$(sed -nE "s/^pid $BG_PID .*prog_id ([0-9]+) .*/\1/p" <<<"$output" | sort -u)
	assert_equal "$(wc -l <<<"$ids")" 5
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	for id in $ids; do
		wait_until 10 bash -c "! $BPFTOOL prog show id $id >/dev/null 2>&1" ||
			fail "program $id still loaded"
	done
	run "$BPFTOOL" perf
	refute_output --regexp "^pid $BG_PID "
	sniff "$T/out2"
	stop_bg_output "$T/out2"
}

@test "README: the Run it commands work as written" {
	local cpid spid
	readme_run 5
	cpid=$(sed -nE 's/^client \(openssl s_client, PID ([0-9]+)\) sent: .*/\1/p' "$T/readme-3.out")
	spid=$(sed -nE 's/^server \(openssl s_server, PID ([0-9]+)\) replied: .*/\1/p' "$T/readme-3.out")
	[ -n "$cpid" ] && [ -n "$spid" ] || fail "tls_talk said: $(cat "$T/readme-3.out")"
	assert_equal "$(calls "$T/readme-2.out" "$cpid")" \
		'WRITE 19 SSL_write "hello from my side\n"
READ 11 SSL_read "hello back\n"'
	assert_equal "$(calls "$T/readme-2.out" "$spid")" \
		'READ 19 SSL_read "hello from my side\n"
WRITE 11 SSL_write "hello back\n"'
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
