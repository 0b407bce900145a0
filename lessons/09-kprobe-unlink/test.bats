#!/usr/bin/env bats
# Lesson 09: unlinks of files we create, by processes whose PIDs we know,
# checked on whichever path (kprobe or tracepoint) this kernel allows.
load ../../tests/lib

BIN=$OUT/kprobe_unlink

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	touch "$T/a" "$T/b" "$T/c"
}
teardown() { lesson_teardown; }
_none_loaded() { [ -z "$(loaded)" ]; }

# start ARGS...: the loader in the background; waits for its header line.
start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^EVENT +PID +COMM +DETAIL$'
}

# loaded: "name type" of every loaded program of this lesson, sorted.
loaded() {
	"$BPFTOOL" -j prog show | jq -r '.[] | select((.name // "") |
		test("^(unlink_kprobe|unlink_kretprb|unlink(at)?_tp_(in|out))$")) |
		"\(.name) \(.type)"' | sort
}
KPROBES="unlink_kprobe kprobe
unlink_kretprb kprobe"
TRACEPOINTS="unlink_tp_in tracepoint
unlink_tp_out tracepoint
unlinkat_tp_in tracepoint
unlinkat_tp_out tracepoint"
# arm64 has no unlink(2) and so no sys_enter_unlink: only the unlinkat pair.
[ -e /sys/kernel/tracing/events/syscalls/sys_enter_unlink ] ||
	[ ! -d /sys/kernel/tracing/events/syscalls ] ||
	TRACEPOINTS="unlinkat_tp_in tracepoint
unlinkat_tp_out tracepoint"

# stop: SIGINT, exit 0, output in $output (tests/lib.bash).
stop() { stop_bg_output "$T/out"; }

# events PID: that PID's lines, reduced to "ENTRY name" / "EXIT ret".
events() {
	awk -v pid="$1" '($1 == "ENTRY" || $1 == "EXIT") && $2 == pid {
		sub(/^(filename|ret)=/, "", $4); print $1, $3, $4 }' <<<"$output"
}

# The workload: rm (unlinkat) removes a and fails on a missing file,
# unlink (unlink) removes c.  Checks each PID printed exactly its calls.
run_workload() {
	local rm_pid unlink_pid
	gated rm 'exec rm "$@"' "$T/a" "$T/missing"
	rm_pid=$GATED_PID
	gated unlink 'exec unlink "$1"' "$T/c"
	unlink_pid=$GATED_PID
	release rm
	release unlink
	wait "$rm_pid" || true		# rm fails: one file was missing
	wait "$unlink_pid"
	wait_for_line "$T/out" "^EXIT +$unlink_pid +unlink +ret="
	wait_for_count "$T/out" "^EXIT +$rm_pid +rm +ret=" 2
	stop
	# Oracle: the files we named, and what the syscalls must have returned.
	assert_file_not_exists "$T/a"
	assert_file_not_exists "$T/c"
	assert_file_exists "$T/b"
	assert_equal "$(events "$rm_pid")" "ENTRY rm $T/a
EXIT rm 0
ENTRY rm $T/missing
EXIT rm -2"
	assert_equal "$(events "$unlink_pid")" "ENTRY unlink $T/c
EXIT unlink 0"
	refute_output --partial "filename=$T/b"
}

@test "auto: names and return codes of our unlinks, on the path the kernel allows" {
	start
	run_workload
}

@test "auto: the path taken and the reason for a fallback match the kernel probe" {
	local why
	why=$(probe_reason kprobe) || why=
	start
	stop
	if [ -z "$why" ]; then
		assert_line --index 0 "Tracing $(unlink_fn)() with kprobe + kretprobe. Ctrl-C to stop."
	else
		# One stderr line, carrying the very reason featprobe gives.
		assert_line --index 0 "kprobe_unlink: kprobes unavailable ($why): falling back to the$(
			) unlink/unlinkat syscall tracepoints"
		assert_line --index 1 "Tracing unlink()/unlinkat() with syscall tracepoints. Ctrl-C to stop."
	fi
}

@test "--mode tracepoint: the same events from sys_enter/sys_exit_unlink{,at}" {
	start -m tracepoint
	assert_equal "$(loaded)" "$TRACEPOINTS"
	run_workload
	assert_line --index 0 "Tracing unlink()/unlinkat() with syscall tracepoints. Ctrl-C to stop."
	refute_output --partial "kprobes unavailable"
}

@test "--mode kprobe: the same events from do_unlinkat" {
	require_feature kprobe kretprobe
	start -m kprobe
	assert_equal "$(loaded)" "$KPROBES"
	run_workload
	assert_line --index 0 "Tracing $(unlink_fn)() with kprobe + kretprobe. Ctrl-C to stop."
}

@test "--mode kprobe without kprobes: one line with the probed reason, non-zero exit" {
	local why
	why=$(probe_reason kprobe) || skip "this kernel has kprobes"
	run "$BIN" -m kprobe
	assert_failure
	assert_output "kprobe_unlink: kprobe mode unavailable: $why"
}

@test "-p: only that PID's unlinks" {
	local other
	gated other 'exec unlink "$1"' "$T/b"
	other=$GATED_PID
	gated rm 'exec rm "$1"' "$T/a"
	start -p "$GATED_PID"
	release other
	wait "$other"
	assert_file_not_exists "$T/b"
	release rm
	wait "$GATED_PID"
	wait_for_line "$T/out" "^EXIT +$GATED_PID +rm +ret=0$"
	stop
	assert_line --regexp "^ENTRY +$GATED_PID +rm +filename=$T/a$"
	refute_output --partial "filename=$T/b"
	refute_output --regexp "^(ENTRY|EXIT) +$other "
	# Nothing but our PID at all.
	run grep -vE "^(ENTRY|EXIT) +$GATED_PID " <<<"$(grep -E '^(ENTRY|EXIT) ' "$T/out")"
	assert_output ""
}

@test "bad input: clear one-line errors, non-zero exit" {
	run "$BIN" -m sometimes
	assert_bad_input "kprobe_unlink: invalid mode 'sometimes': want one of auto, kprobe, tracepoint"
	run "$BIN" -p notapid
	assert_bad_input "kprobe_unlink: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "SIGINT detaches: none of the lesson's programs stays loaded" {
	local want=$KPROBES
	# While it runs: exactly the programs of the path the probe allows.
	probe_reason kprobe >/dev/null && want=$TRACEPOINTS
	start
	assert_equal "$(loaded)" "$want"
	stop
	wait_until 10 _none_loaded || fail "programs still loaded: $(loaded)"
}

@test "README: every Run it command works as written" {
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
