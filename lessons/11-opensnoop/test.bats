#!/usr/bin/env bats
# Lesson 11: openat() calls of processes we start (known PID, UID, paths,
# flags), and the -p/-u filters.
load ../../tests/lib

BIN=$OUT/opensnoop
NOBODY=65534

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	echo data >"$T/a"
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^PID +UID +COMM +FLAGS +RET +PATH$'
}

stop() { stop_bg_output "$T/out"; }

# A script for a gated shell (which opens, with the PID we know) that
# opens three paths.  With 0-2 open and 3, 4 closed (bats may pass more
# descriptors down), open(2) returns the lowest free descriptor: 3 for a,
# then 4 for w.  The flags
# are what bash asks for: < is O_RDONLY (0), > is O_WRONLY|O_CREAT|O_TRUNC
# = 01 | 0100 | 01000 = 01101 (octal).  A missing file is -ENOENT = -2.
OPENER='exec 3<&- 4>&-; exec 3<"$1"; exec 4>"$2"; : <"$3"'

@test "a process we start: PID, UID, comm, flags, result and path of each open" {
	gated opener "$OPENER" "$T/a" "$T/w" "$T/missing"
	local pid=$GATED_PID uid
	uid=$(id -u)
	start
	release opener
	wait "$pid" || true		# the last redirection fails
	wait_for_line "$T/out" "^$pid .* $T/missing$"
	stop
	assert_file_exists "$T/w"
	assert_line --regexp "^$pid +$uid +bash +00000000 +3 $T/a$"
	assert_line --regexp "^$pid +$uid +bash +00001101 +4 $T/w$"
	assert_line --regexp "^$pid +$uid +bash +00000000 +-2 $T/missing$"
}

@test "-p: only that PID's opens" {
	gated other ': <"$1"' "$T/a"
	local other=$GATED_PID pid
	gated opener "$OPENER" "$T/a" "$T/w" "$T/missing"
	pid=$GATED_PID
	start -p "$pid"
	release other
	wait "$other"
	release opener
	wait "$pid" || true
	wait_for_line "$T/out" "^$pid .* $T/missing$"
	stop
	assert_line --index 0 "Tracing openat() by PID $pid. Ctrl-C to stop."
	assert_line --regexp "^$pid +[0-9]+ +bash +00001101 +4 $T/w$"
	refute_line --regexp "^$other "
	# Every event line carries the PID we asked for.
	run awk -v p="$pid" '$1 ~ /^[0-9]+$/ && $1 != p' "$T/out"
	assert_output ""
}

@test "-u: only processes with that UID (one run as nobody via setpriv)" {
	gated rootproc ': <"$1"' "$T/a"
	local rootpid=$GATED_PID pid
	# setpriv execs bash: the PID stays the gated one.
	gated nobody 'exec setpriv --reuid="$1" --regid="$1" --clear-groups \
		bash -c ": </etc/hostname; : </nonexistent/lesson11"' $NOBODY
	pid=$GATED_PID
	start -u $NOBODY
	release rootproc
	wait "$rootpid"
	release nobody
	wait "$pid" || true
	wait_for_line "$T/out" "^$pid .* /nonexistent/lesson11$"
	stop
	assert_line --index 0 "Tracing openat() by UID $NOBODY. Ctrl-C to stop."
	assert_line --regexp "^$pid +$NOBODY +bash +00000000 +[0-9]+ /etc/hostname$"
	assert_line --regexp "^$pid +$NOBODY +bash +00000000 +-2 /nonexistent/lesson11$"
	refute_line --regexp "^$rootpid "
	refute_output --partial "$T/a"
	run awk -v u="$NOBODY" '$1 ~ /^[0-9]+$/ && $2 != u' "$T/out"
	assert_output ""
}

@test "bad input: clear one-line errors, non-zero exit" {
	local bad
	for bad in abc 12x ""; do
		run "$BIN" -u "$bad"
		assert_bad_input "opensnoop: invalid UID '$bad': want a whole number from 0 to 4294967294"
	done
	# 4294967295 is (uid_t)-1, the "no filter" value: not a UID.
	for bad in -1 4294967295; do
		run "$BIN" -u "$bad"
		assert_bad_input "opensnoop: invalid UID '$bad': out of range 0..4294967294"
	done
	run "$BIN" -p notapid
	assert_bad_input "opensnoop: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "SIGINT detaches: both programs are gone afterwards" {
	start
	run "$BPFTOOL" prog show name openat_exit
	assert_output --partial "tracepoint"
	stop
	wait_until 10 bash -c "! $BPFTOOL prog show | grep -qE 'name openat_(enter|exit) '" ||
		fail "programs still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
