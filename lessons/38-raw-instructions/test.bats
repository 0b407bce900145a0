#!/usr/bin/env bats
# Lesson 38: openat() calls by processes we start (a gated cat of a file we
# name), reported by a program written as raw instructions.  Oracles: the
# PID and file we chose; bpftool's view of the loaded program and of the
# perf event it is attached through; the verifier's own log for --bad.
load ../../tests/lib

BIN=$OUT/raw_instructions

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	echo hello >"$T/hello38"
}
teardown() { lesson_teardown; }

start() { start_bin '^PID +TID +COMM +FILENAME$' "$@"; }

# cat_file: a gated cat of $T/hello38; sets CAT to its PID, after it ran.
cat_file() {
	gated cat 'exec cat "$1"' "$T/hello38"
	CAT=$GATED_PID
	release -w cat
	assert_equal "$STATUS" 0
}

@test "an openat() by a PID we control is reported: PID, TID, comm, file" {
	start
	cat_file
	wait_for_line "$T/out" "^$CAT +$CAT +cat +$T/hello38$"
	stop_bg_output "$T/out"
	assert_line --index 0 --regexp '^Tracing openat\(\) with [0-9]+ raw instructions\. Ctrl-C to stop\.$'
}

@test "-p: a jump compiled into the program keeps only that PID" {
	local other
	gated other 'exec cat "$1"' "$T/hello38"
	other=$GATED_PID
	gated cat 'exec cat "$1"' "$T/hello38"
	CAT=$GATED_PID
	start -p "$CAT"
	release -w other
	release -w cat
	wait_for_line "$T/out" "^$CAT +$CAT +cat +$T/hello38$"
	stop_bg_output "$T/out"
	assert_line --index 0 "Tracing openat() with 26 raw instructions for PID $CAT. Ctrl-C to stop."
	# Every event is from that PID (ld.so and libc opens included).
	run grep -cvE "^$CAT " < <(tail -n +3 "$T/out")
	assert_output 0
	refute_output --regexp "^$other "
}

@test "while it runs, bpftool sees our instructions on the openat tracepoint" {
	start -D
	# The dump we printed has as many lines as the program has instructions.
	local n
	n=$(sed -n 's/^Tracing openat() with \([0-9]*\) raw instructions.*/\1/p' "$T/out")
	assert_equal "$(grep -cE '^ *[0-9]+: code=0x' "$T/out")" "$n"
	run "$BPFTOOL" prog show name raw_openat
	assert_output --regexp "^[0-9]+: tracepoint +name raw_openat .* gpl"
	run "$BPFTOOL" prog dump xlated name raw_openat
	assert_output --partial "bpf_get_current_pid_tgid"
	assert_output --partial "bpf_probe_read_user_str"
	assert_output --partial "bpf_perf_event_output"
	run "$BPFTOOL" perf show pid "$BG_PID"
	assert_output --regexp "tracepoint +sys_enter_openat"
	stop_bg_output "$T/out"
}

@test "--bad: the verifier refuses an uninitialised register; its log is shown; exit 1" {
	run "$BIN" --bad
	assert_failure 1
	assert_line --index 0 "raw_instructions: loading the program: Permission denied"
	assert_line --index 1 "verifier log:"
	assert_line "R8 !read_ok"
	assert_line --regexp '^[0-9]+: \(bf\) r0 = r8$'
	refute_output --partial "Tracing openat()"
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -p notapid
	assert_failure 64
	assert_line --index 0 "raw_instructions: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -p 0
	assert_failure 64
	run "$BIN" --nope
	assert_failure 64
	cp "$BIN" "$T/raw_instructions"
	chmod 755 "$T" "$T/raw_instructions"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/raw_instructions"
	assert_failure 1
	assert_output --partial "raw_instructions: must run as root"
}

@test "SIGINT/SIGTERM detach everything: program, map and perf event go" {
	start
	run "$BPFTOOL" prog show name raw_openat
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	start
	stop_bg_output "$T/out"
	wait_prog_gone raw_openat
	# The map goes with its last reference, the program's (freed a bit later).
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL map show name raw_events)\" ]" ||
		fail "raw_events still there"
}

@test "every command in the README's Run it section works as written" {
	local cmd n=0
	cd "$ROOT"
	while IFS= read -r cmd; do
		n=$((n + 1))
		run timeout -s INT $((5 * LESSON_SLOW)) bash -c "$cmd" 3>&-
		case $cmd in
		*--bad*)
			assert_failure 1
			assert_output --partial "R8 !read_ok"
			;;
		*)
			[ "$status" -eq 0 ] || [ "$status" -eq 124 ] || fail "'$cmd' exited $status: $output"
			assert_output --regexp "Tracing openat\(\) with [0-9]+ raw instructions"
			;;
		esac
	done < <(readme_cmds)
	assert [ "$n" -ge 3 ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
