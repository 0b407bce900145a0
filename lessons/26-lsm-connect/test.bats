#!/usr/bin/env bats
# Lesson 26: connect() calls whose outcome the test knows without the
# program (a listener of its own on 0.0.0.0, UDP connects that need no
# peer) are refused with EPERM for the blocked address only, and only
# while the loader runs.  Where the kernel has no BPF LSM the tests that
# load skip with the probed reason (and tests/run repeats them in a VM).
load ../../tests/lib
load lsm

start() {
	OUTF=$T/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^PID +COMM +PROTO +DESTINATION$'
}

@test "connect() to the blocked address fails with EPERM, others succeed, all work again after exit" {
	require_feature lsm
	listener port
	# Without the program: both loopback addresses reach the listener.
	conn 127.0.0.2 "$PORT" STREAM
	assert_output connected
	start -a 127.0.0.2
	# The offender: a process whose PID we know before it connects.
	gated offender 'exec python3 -c "$1" 127.0.0.2 "$2" STREAM' "$CONNECT" "$PORT"
	local offender=$GATED_PID
	release -w offender
	assert_equal "$STATUS" 1
	conn 127.0.0.2 "$PORT" STREAM
	assert_failure 1
	assert_output "Operation not permitted"
	conn 127.0.0.2 53 DGRAM
	assert_failure 1
	assert_output "Operation not permitted"
	conn 127.0.0.1 "$PORT" STREAM
	assert_success
	assert_output connected
	conn 127.0.0.3 53 DGRAM
	assert_success
	wait_for_line "$OUTF" "^[0-9]+ +python3 +udp +127\.0\.0\.2:53 refused$"
	stop_bg_output "$OUTF"
	assert_line --index 0 "Refusing connect() to 127.0.0.2. Ctrl-C to stop."
	assert_line --regexp "^$offender +python3 +tcp +127\.0\.0\.2:$PORT refused\$"
	assert_equal "$(count_lines "$OUTF" ' refused$')" 3
	# The program went with the loader: no refusal any more.
	conn 127.0.0.2 "$PORT" STREAM
	assert_output connected
}

@test "without BPF LSM the loader says why (the probe's reason) and exits 1" {
	local why
	why=$(probe_reason lsm) || skip "this kernel has BPF LSM"
	run "$BIN" -a 127.0.0.2
	assert_equal "$status" 1
	assert_output "lsm_connect: kernel lacks BPF LSM: $why"
}

@test "bad input: exit 64 with one line; not root: exit 1" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -a 300.1.1.1
	assert_bad_input "lsm_connect: invalid address '300.1.1.1': want IPv4 like 10.0.0.1"
	run "$BIN" -a ::1
	assert_bad_input "lsm_connect: invalid address '::1': want IPv4 like 10.0.0.1"
	run "$BIN" -a ""
	assert_bad_input "lsm_connect: invalid address '': want IPv4 like 10.0.0.1"
	cp "$BIN" "$T/lsm_connect"
	chmod 755 "$T" "$T/lsm_connect"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/lsm_connect"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: program and link are gone afterwards" {
	require_feature lsm
	start -a 127.0.0.2
	run "$BPFTOOL" prog show name lsm_connect
	assert_output --partial lsm
	run "$BPFTOOL" link show
	assert_output --partial "attach_type lsm_mac"
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone lsm_connect
	conn 127.0.0.2 53 DGRAM
	assert_success
}

@test "README: the commands in Run it work as shown" {
	require_feature lsm
	local cmds c1 c2
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 2
	c1=${cmds[0]} c2=${cmds[1]} # the loader; a connect() it refuses
	cd "$ROOT"
	# Build first: under emulation (tools/vmtest) a rebuild takes minutes,
	# longer than the loader's 5 seconds of life.
	run make -s -C lessons/26-lsm-connect
	assert_success
	OUTF=$T/out
	start_bg "$OUTF" bash -c "$c1"
	wait_for_line "$OUTF" '^PID +COMM +PROTO +DESTINATION$' 60
	run bash -c "$c2"
	assert_failure 1
	assert_output --partial "PermissionError: [Errno 1] Operation not permitted"
	wait "$BG_PID"
	run cat "$OUTF"
	assert_line --regexp '^[0-9]+ +python3 +udp +127\.0\.0\.2:53 refused$'
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	require_feature lsm
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
