#!/usr/bin/env bats
# Lesson 18: EXEC/EXIT lines for processes we start, checked against the PIDs
# and exit statuses the shell itself sees.
load ../../tests/lib

BIN=$OUT/bootstrap
SH=$(command -v sh)
SLEEP=$(command -v sleep)

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# trace ARGS...: start the loader, wait until it is attached.
trace() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^TIME +EVENT +COMM +PID +PPID'
}

# finish: Ctrl-C the loader; its exit status must be 0.
finish() {
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$OUTF")
	mapfile -t lines <"$OUTF"
}

@test "EXEC/EXIT lines: filename, parent, exit codes, signals, durations" {
	local code p status ms me=$BASHPID	# $(...) below would see its own
	trace
	"$SH" -c 'exit 3' 3>&- &
	p=$!
	wait "$p" || assert_equal "$?" 3
	wait_for_line "$OUTF" "EXIT +sh +$p "
	# The parent of our child is this very shell; exactly one of each.
	assert_equal "$(count_lines "$OUTF" "^[0-9:]{8} EXEC +sh +$p +$me +$SH\$")" 1
	assert_equal "$(count_lines "$OUTF" \
		"^[0-9:]{8} EXIT +sh +$p +$me +exit 3 \([0-9]+ms\)\$")" 1
	assert_equal "$(count_lines "$OUTF" " (EXEC|EXIT) +sh +$p ")" 2

	# Exit codes as the shell's own wait sees them.
	for code in 0 1 42 255; do
		"$SH" -c "exit $code" 3>&- &
		p=$!
		status=0
		wait "$p" || status=$?
		assert_equal "$status" "$code"
		wait_for_line "$OUTF" "EXIT +sh +$p +$me +exit $code "
	done

	# Killed by a signal: the signal, not an exit code.
	"$SLEEP" 30 3>&- &
	p=$!
	wait_for_line "$OUTF" "EXEC +sleep +$p "
	kill -KILL "$p"
	status=0
	wait "$p" || status=$?
	assert_equal "$status" $((128 + 9))
	wait_for_line "$OUTF" "EXIT +sleep +$p +$me +signal 9 "

	# Duration: a sleep 0.4 ran at least 400 ms after its exec.
	"$SLEEP" 0.4 3>&- &
	p=$!
	wait "$p"
	wait_for_line "$OUTF" "EXIT +sleep +$p "
	finish
	ms=$(grep -E "EXIT +sleep +$p " "$OUTF" | sed -E 's/.*\(([0-9]+)ms\)$/\1/')
	assert [ "$ms" -ge 400 ]
}

@test "-m 300 keeps the long sleep, hides the short sh and every EXEC line" {
	local long short
	trace -m 300
	assert_equal "$(head -1 "$OUTF")" \
		"Tracing exits of processes that ran >= 300 ms. Ctrl-C to stop."
	"$SLEEP" 0.5 3>&- &
	long=$!
	"$SH" -c 'exit 3' 3>&- &
	short=$!
	wait "$short" || true
	wait "$long"
	# The ring buffer keeps order: once the sleep's EXIT is here, the
	# earlier sh exit would be too if the filter let it through.
	wait_for_line "$OUTF" "EXIT +sleep +$long +$BASHPID +exit 0 \([0-9]+ms\)\$"
	finish
	refute_line --regexp " EXEC "
	refute_line --regexp " (EXEC|EXIT) +sh +$short "
	# Every line that did get through ran at least 300 ms.
	run bash -c "grep -E ' EXIT ' '$OUTF' | sed -E 's/.*\\(([0-9]+)ms\\)\$/\\1/' | awk '\$1 < 300'"
	assert_output ""
}

@test "bad -m, not root: clear error, non-zero exit" {
	run "$BIN" -m soon
	assert_bad_input "bootstrap: invalid minimum duration 'soon': want a whole number from 0 to 2147483647"
	run "$BIN" --min-duration=-5
	assert_bad_input "bootstrap: invalid minimum duration '-5': out of range 0..2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "-d stops by itself; Ctrl-C detaches both programs" {
	run "$BIN" -d 1
	assert_success
	assert_line --index 1 --regexp '^TIME +EVENT'
	trace
	run "$BPFTOOL" prog show name handle_exec
	assert_output --partial tracepoint
	finish
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name handle_exit)\" ]" ||
		fail "handle_exit still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
