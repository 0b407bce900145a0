#!/usr/bin/env bats
# Lesson 36: uret_target calls answer(), wide() and word() and prints what
# each returned; the tracer must print exactly those values, in order.
load ../../tests/lib

BIN=$OUT/uretprobe
TARGET=$OUT/uret_target

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# start FILE ARGS...: a tracer writing to FILE, once it is attached.
start() {
	local f=$1
	shift
	start_bg "$f" "$BIN" "$@"
	wait_for_line "$f" '^TIME +PID +COMM +RETURN$'
}

# returns FILE PID: the RETURN column of PID's lines ("%-8s %-7u %-16s %s").
returns() {
	awk -v pid="$2" '$2 == pid { print substr($0, 35) }' "$1"
}

# run_target N: uret_target on one CPU.  A perf buffer is one ring per CPU,
# read ring by ring: a process that moved between CPUs could see its events
# printed out of order.  Sets TPID; its output is in $T/target.
run_target() {
	taskset -c 0 "$TARGET" "$1" >"$T/target" 3>&- &
	TPID=$!
	wait "$TPID"
}

@test "-t int: answer()'s return values, exactly and in order" {
	start "$T/out" -b "$TARGET" -f answer -t int
	run_target 6
	wait_for_count "$T/out" "^[0-9:]{8} +$TPID " 5
	stop_bg_output "$T/out"
	assert_line --index 0 "Tracing returns of answer() in $TARGET as int. Ctrl-C to stop."
	assert_equal "$(returns "$T/out" "$TPID")" "$(sed -n 's/^answer //p' "$T/target")"
	assert_line --regexp "^[0-9:]{8} +$TPID +uret_target +-10$"
}

@test "-t long and -t str (the default): 64-bit values and strings" {
	start "$T/long" -b "$TARGET" -f wide -t long
	local long_pid=$BG_PID
	start "$T/str" -b "$TARGET" -f word
	run_target 5
	wait_for_count "$T/long" "^[0-9:]{8} +$TPID " 4
	wait_for_count "$T/str" "^[0-9:]{8} +$TPID " 4
	stop_bg_output "$T/str"
	BG_PID=$long_pid
	stop_bg_output "$T/long"
	assert_equal "$(returns "$T/long" "$TPID")" "$(sed -n 's/^wide //p' "$T/target")"
	assert_equal "$(returns "$T/str" "$TPID")" "$(sed -n 's/^word //p' "$T/target")"
	assert_equal "$(returns "$T/str" "$TPID" | head -2 | paste -sd' ')" "alpha beta"
}

@test "-p PID: only that process's returns" {
	local fa fb a b
	mkfifo "$T/a.in" "$T/b.in"
	"$TARGET" -w 2 <"$T/a.in" >"$T/a.out" 3>&- &
	a=$!
	"$TARGET" -w 2 <"$T/b.in" >"$T/b.out" 3>&- &
	b=$!
	_BG_PIDS+=("$a" "$b")
	exec {fa}>"$T/a.in" {fb}>"$T/b.in"
	wait_for_line "$T/a.out" "^ready $a$"
	wait_for_line "$T/b.out" "^ready $b$"
	start "$T/out" -b "$TARGET" -f answer -t int -p "$a"
	echo >&"$fb"
	echo >&"$fa"
	exec {fa}>&- {fb}>&-
	wait "$a" "$b"
	wait_for_count "$T/out" "^[0-9:]{8} +$a " 1
	stop_bg_output "$T/out"
	assert_line --index 0 "Tracing returns of answer() in $TARGET for PID $a as int. Ctrl-C to stop."
	assert_equal "$(returns "$T/out" "$a" | paste -sd' ')" "-10 -3"
	assert_equal "$(returns "$T/out" "$b")" ""
}

@test "bad input: exit 64 and one line for a bad value, 1 for what fails later" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -t float
	assert_equal "$status" 64
	assert_line --index 0 "uretprobe: invalid type 'float': want one of int, uint, long, ulong, hex, str"
	run "$BIN" -b "$T/nosuch"
	assert_equal "$status" 64
	assert_line --index 0 "uretprobe: invalid binary '$T/nosuch': No such file or directory"
	run "$BIN" -f ""
	assert_equal "$status" 64
	assert_line --index 0 "uretprobe: invalid function '': empty name"
	run "$BIN" extra
	assert_equal "$status" 64
	assert_line --index 0 "uretprobe: invalid argument 'extra': takes none"
	run "$BIN" -p notapid
	assert_equal "$status" 64
	assert_line --index 0 --partial "uretprobe: invalid PID 'notapid'"
	run "$BIN" -b "$TARGET" -f no_such_function
	assert_equal "$status" 1
	assert_output "uretprobe: no function no_such_function() in $TARGET (check: nm -D $TARGET; nm $TARGET)"
	run_as_nobody "$BIN" -b "$TARGET" -f answer
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: program and uretprobe gone, the target runs untraced" {
	start "$T/out" -b "$TARGET" -f answer -t int
	run "$BPFTOOL" perf
	assert_output --regexp "uretprobe +filename $TARGET"
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone uretprobe_ret
	run "$BPFTOOL" perf
	refute_output --partial "$TARGET"
	run "$TARGET" 1
	assert_success
}

@test "README: the Run it commands work as written" {
	readme_run 5
	assert_equal "$(awk '$3 == "uret_target" { print $4 }' "$T/readme-2.out" | paste -sd' ')" \
		"-10 -3 4"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
