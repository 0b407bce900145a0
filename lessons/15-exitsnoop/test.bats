#!/usr/bin/env bats
# Lesson 15: processes we start and end in known ways, checked against what
# wait(2) tells their parent (this test shell).
load ../../tests/lib

BIN=$OUT/exitsnoop
AGE='[0-9]+\.[0-9]{3}'

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_gated SCRIPT: a dash that waits for "go" on its own fifo, then runs
# SCRIPT.  Sets GATED (its PID) and GATE (the fifo).
start_gated() {
	GATE=$(mktemp -u "$BATS_TEST_TMPDIR/gate.XXXXXX")
	mkfifo "$GATE"
	sh -c 'read _ < "$1"; eval "$2"' _ "$GATE" "$1" 3>&- &
	GATED=$!
	_BG_PIDS+=("$GATED")
}

# release PID GATE: let it run, reap it; sets STATUS to its wait status.
release() {
	echo go >"$2"
	STATUS=0
	wait "$1" || STATUS=$?
}

# snoop_start ARGS...: start the loader and wait until it is attached.
snoop_start() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^COMM +PID +PPID +AGE\(ms\) +CODE +SIG$'
}

# snoop_stop: Ctrl-C the loader; output and lines are what it printed.
snoop_stop() {
	local st
	stop_bg "$BG_PID" INT
	st=$STATUS
	output=$(cat "$OUTF")
	mapfile -t lines <"$OUTF"
	assert_equal "$st" 0
}

@test "exit 7 is reported with PID, parent, code 7, no signal" {
	snoop_start
	start_gated 'exit 7'
	release "$GATED" "$GATE"
	assert_equal "$STATUS" 7
	wait_for_line "$OUTF" "^sh +$GATED "
	snoop_stop
	assert_line --regexp "^sh +$GATED +$BASHPID +$AGE +7 +0$"
}

@test "a process killed by a signal: code 0, the signal's number" {
	sleep 1000 3>&- &
	local victim=$!
	_BG_PIDS+=("$victim")
	# Wait for the exec, so the comm is sleep's and not the forked shell's.
	wait_until 10 grep -qx sleep "/proc/$victim/comm"
	snoop_start -p "$victim"
	kill -USR2 "$victim"
	STATUS=0
	wait "$victim" || STATUS=$?
	assert_equal "$STATUS" $((128 + 12))
	wait_for_line "$OUTF" "^sleep +$victim "
	snoop_stop
	assert_line --regexp "^sleep +$victim +$BASHPID +$AGE +0 +12$"
}

@test "a threaded process is reported once, when its leader exits" {
	local gate=$BATS_TEST_TMPDIR/perlgate
	mkfifo "$gate"
	# One extra thread that ends first; then the process exits with 5.
	perl -Mthreads -e 'open(my $g, "<", $ARGV[0]) or die; <$g>;
		threads->create(sub { 1 })->join; exit 5' "$gate" 3>&- &
	local perl=$!
	_BG_PIDS+=("$perl")
	snoop_start -p "$perl"
	release "$perl" "$gate"
	assert_equal "$STATUS" 5
	wait_for_line "$OUTF" "^perl +$perl "
	snoop_stop
	assert_equal "$(grep -cE "^perl +$perl " <<<"$output")" 1
	assert_line --regexp "^perl +$perl +$BASHPID +$AGE +5 +0$"
}

@test "-x hides clean exits" {
	snoop_start -x
	start_gated 'exit 0'
	local ok=$GATED ok_gate=$GATE
	start_gated 'exit 3'
	release "$ok" "$ok_gate"
	assert_equal "$STATUS" 0
	release "$GATED" "$GATE"
	assert_equal "$STATUS" 3
	wait_for_line "$OUTF" "^sh +$GATED "
	snoop_stop
	assert_line --regexp "^sh +$GATED +$BASHPID +$AGE +3 +0$"
	refute_line --regexp "^sh +$ok "
	# And nothing that exited cleanly, from anyone.
	refute_line --regexp " +0 +0$"
}

@test "every line is well-formed: AGE is a non-negative number" {
	snoop_start
	for i in 1 2 3; do
		start_gated "exit $i"
		release "$GATED" "$GATE"
	done
	wait_for_line "$OUTF" "^sh +$GATED "
	snoop_stop
	local n=0 line
	for line in "${lines[@]:2}"; do
		[[ $line =~ ^.{16}\ [0-9]+\ +[0-9]+\ +($AGE)\ +[0-9]+\ +[0-9]+( \(core dumped\))?$ ]] ||
			fail "malformed line: '$line'"
		n=$((n + 1))
	done
	assert [ "$n" -ge 3 ]
}

@test "bad input: one clear line, non-zero exit" {
	run "$BIN" -p notapid
	assert_failure
	assert_output "exitsnoop: invalid PID 'notapid'"
	local gone
	sh -c 'exit 0' &
	gone=$!
	wait "$gone"
	run "$BIN" -p "$gone"
	assert_failure
	assert_output "exitsnoop: no process with PID $gone"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "attached while it runs, gone after SIGTERM" {
	snoop_start
	run "$BPFTOOL" prog show name exitsnoop_exit
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name exitsnoop_exit)\" ]" ||
		fail "exitsnoop_exit still loaded"
}
