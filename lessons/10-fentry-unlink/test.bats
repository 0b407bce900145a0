#!/usr/bin/env bats
# Lesson 10: unlinks of files we create, by PIDs we know, on whichever hook
# the fentry -> kprobe -> tracepoint chain picks on this kernel.
load ../../tests/lib

BIN=$OUT/fentry_unlink

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	touch "$T/a" "$T/b" "$T/c"
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^EVENT +PID +COMM +DETAIL$'
}

stop() { stop_bg_output "$T/out"; }

# loaded: "name type" of every loaded program of this lesson, sorted.
loaded() {
	"$BPFTOOL" -j prog show | jq -r '.[] | select((.name // "") |
		test("^(unl_(fentry|fexit|kprobe|kretprobe)|unl(at)?_tp_(in|out))$")) |
		"\(.name) \(.type)"' | sort
}
_none_loaded() { [ -z "$(loaded)" ]; }
declare -gA WANT=(
	[fentry]="unl_fentry tracing
unl_fexit tracing"
	[kprobe]="unl_kprobe kprobe
unl_kretprobe kprobe"
	[tracepoint]="unl_tp_in tracepoint
unl_tp_out tracepoint
unlat_tp_in tracepoint
unlat_tp_out tracepoint"
)
# arm64 has no unlink(2) and so no sys_enter_unlink: only the unlinkat pair.
[ -e /sys/kernel/tracing/events/syscalls/sys_enter_unlink ] ||
	[ ! -d /sys/kernel/tracing/events/syscalls ] ||
	WANT[tracepoint]="unlat_tp_in tracepoint
unlat_tp_out tracepoint"

# pair_reason HOOK: why HOOK's pair of programs cannot work; fails if it can.
pair_reason() {
	case $1 in
	fentry) probe_reason fentry || probe_reason fexit ;;
	kprobe) probe_reason kprobe || probe_reason kretprobe ;;
	esac
}

# events PID: that PID's lines as "ENTRY comm name" / "EXIT comm ret".
events() {
	awk -v pid="$1" '($1 == "ENTRY" || $1 == "EXIT") && $2 == pid {
		sub(/^(filename|ret)=/, "", $4); print $1, $3, $4 }' <<<"$output"
}

# rm (unlinkat) removes a and fails on a missing file; unlink (unlink)
# removes c.  Each PID must show exactly its own calls and results.
run_workload() {
	local rm_pid unlink_pid
	gated rm 'exec rm "$@"' "$T/a" "$T/missing"
	rm_pid=$GATED_PID
	gated unlink 'exec unlink "$1"' "$T/c"
	unlink_pid=$GATED_PID
	release rm
	release unlink
	wait "$rm_pid" || true
	wait "$unlink_pid"
	wait_for_line "$T/out" "^EXIT +$unlink_pid +unlink +ret="
	wait_for_count "$T/out" "^EXIT +$rm_pid +rm +ret=" 2
	stop
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
	RM_PID=$rm_pid
}

@test "auto: names and return codes of our unlinks, on the hook the chain picks" {
	start
	run_workload
}

@test "auto: the hook taken and every skipped hook's reason match the kernel probes" {
	local h why note="" chosen=tracepoint what
	for h in fentry kprobe; do
		why=$(pair_reason "$h") || { chosen=$h; break; }
		note+="${note:+; }$h unavailable ($why)"
	done
	case $chosen in
	fentry) what="Tracing $(unlink_fn)() with fentry + fexit" ;;
	kprobe) what="Tracing $(unlink_fn)() with kprobe + kretprobe" ;;
	*) what="Tracing unlink()/unlinkat() with syscall tracepoints" ;;
	esac
	start
	stop
	if [ -z "$note" ]; then
		assert_line --index 0 "$what. Ctrl-C to stop."
	else
		assert_line --index 0 "fentry_unlink: $note: using ${what#* with }"
		assert_line --index 1 "$what. Ctrl-C to stop."
	fi
}

@test "--mode tracepoint: the same events from the syscall tracepoints" {
	start -m tracepoint
	assert_equal "$(loaded)" "${WANT[tracepoint]}"
	run_workload
	assert_line --index 0 "Tracing unlink()/unlinkat() with syscall tracepoints. Ctrl-C to stop."
}

@test "--mode kprobe: the same events from do_unlinkat" {
	require_feature kprobe kretprobe
	start -m kprobe
	assert_equal "$(loaded)" "${WANT[kprobe]}"
	run_workload
	assert_line --index 0 "Tracing $(unlink_fn)() with kprobe + kretprobe. Ctrl-C to stop."
}

@test "--mode fentry: the same events, and fexit knows the file name too" {
	require_feature fentry fexit
	start -m fentry
	assert_equal "$(loaded)" "${WANT[fentry]}"
	run_workload
	assert_line --index 0 "Tracing $(unlink_fn)() with fentry + fexit. Ctrl-C to stop."
	assert_line --regexp "^EXIT +$RM_PID +rm +ret=-2 filename=$T/missing$"
}

@test "forcing a hook the kernel lacks: one line with the probed reason, non-zero exit" {
	local h why tried=0
	for h in fentry kprobe; do
		why=$(pair_reason "$h") || continue
		tried=1
		run "$BIN" -m "$h"
		assert_failure
		assert_output "fentry_unlink: $h mode unavailable: $why"
	done
	[ "$tried" = 1 ] || skip "this kernel has both fentry and kprobes"
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
	wait_for_line "$T/out" "^EXIT +$GATED_PID +rm +ret=0( |$)"
	stop
	assert_line --regexp "^ENTRY +$GATED_PID +rm +filename=$T/a$"
	refute_output --partial "filename=$T/b"
	run grep -vE "^(ENTRY|EXIT) +$GATED_PID " <<<"$(grep -E '^(ENTRY|EXIT) ' "$T/out")"
	assert_output ""
}

@test "bad input: clear one-line errors, non-zero exit" {
	run "$BIN" -m kretprobe
	assert_bad_input "fentry_unlink: invalid mode 'kretprobe': want one of auto, fentry, kprobe, tracepoint"
	run "$BIN" -p -5
	assert_bad_input "fentry_unlink: invalid PID '-5': out of range 1..2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "SIGINT detaches: none of the lesson's programs stays loaded" {
	local h chosen=tracepoint
	# The hook the chain must pick, by the probes; exactly its programs load.
	for h in fentry kprobe; do
		pair_reason "$h" >/dev/null || { chosen=$h; break; }
	done
	start
	assert_equal "$(loaded)" "${WANT[$chosen]}"
	stop
	wait_until 10 _none_loaded || fail "programs still loaded: $(loaded)"
}

@test "README: every Run it command works as written" {
	readme_run 6
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
