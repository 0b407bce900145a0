#!/usr/bin/env bats
# Exercise 23 (README "Exercise"): a USDT probe with a semaphore.
# usdt_target gets lesson:costly(SUM), SUM = 1^2 + ... + COUNT^2, computed
# (and "costly SUM" printed) only while lesson_costly_semaphore is non-zero,
# which the kernel sees to while a uprobe with that reference counter is
# attached: libbpf sets it from the probe's ELF note.  Checked against the
# note and symbol table (readelf), and against targets held at a gate until
# the test has attached the tracer, or not.
load ../../tests/lib

BIN=$OUT/usdt
TARGET=$OUT/usdt_target

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^TIME +PID +'
}

# note_semaphore NAME: the semaphore address in lesson:NAME's ELF note
# (empty when there is no such probe).
note_semaphore() {
	readelf -n "$TARGET" | awk -v n="$1" '
		/^ +Provider: / { p = $2 }
		/^ +Name: / { name = $2 }
		/Semaphore: / && p == "lesson" && name == n { print $NF }'
}

has_costly() {
	[ -n "$(note_semaphore costly)" ] || fail "usdt_target has no lesson:costly probe (readelf -n)"
}

# gated_target ARGS...: usdt_target -w ARGS, held until `go`; TPID.
gated_target() {
	mkfifo "$T/in"
	"$TARGET" -w "$@" <"$T/in" >"$T/target.out" 2>&1 3>&- &
	_BG_PIDS+=("$!")
	TPID=$!
	exec {GATE}>"$T/in"
	wait_for_line "$T/target.out" "^ready $TPID$"
}
go() {
	echo go >&"$GATE"
	exec {GATE}>&-
	wait "$TPID"
	rm -f "$T/in"
}

@test "usdt_target has a probe lesson:costly whose note names a semaphore: lesson_costly_semaphore" {
	local sema sym
	has_costly
	sema=$(note_semaphore costly)
	assert [ "$((sema))" -ne 0 ]
	sym=$(readelf -sW "$TARGET" | awk '$NF == "lesson_costly_semaphore" { print "0x" $2 }')
	[ -n "$sym" ] || fail "usdt_target has no symbol lesson_costly_semaphore"
	assert_equal "$((sema))" "$((sym))"
}

@test "while usdt traces lesson:costly, usdt_target computes the sum and the probe reports it" {
	has_costly
	gated_target 4 word
	start -b "$TARGET" -p "$TPID" lesson:costly
	go
	wait_for_line "$T/out" "^[0-9:]{8} +$TPID +lesson:costly +30$"
	stop_bg_output "$T/out"
	# 1 + 4 + 9 + 16, computed because the semaphore said someone listens.
	run cat "$T/target.out"
	assert_line "costly 30"
}

@test "without a tracer on lesson:costly the sum is never computed: untraced, tracing only lesson:tick, after usdt stops" {
	has_costly
	run "$TARGET" 4 word
	assert_success
	refute_line --partial costly

	# Another probe traced: its semaphore is set, not costly's.
	gated_target 4 word
	start -b "$TARGET" -p "$TPID" lesson:tick
	go
	wait_for_line "$T/out" "^[0-9:]{8} +$TPID +lesson:tick +4 +-4 +4$"
	stop_bg_output "$T/out"
	run cat "$T/target.out"
	assert_line "fired 4 ticks and word 'word'"
	refute_line --partial costly

	# Traced, then detached: the kernel counts the semaphore back down.
	start -b "$TARGET" lesson:costly
	stop_bg_output "$T/out"
	run "$TARGET" 4 word
	assert_success
	refute_line --partial costly
}
