#!/usr/bin/env bats
# Exercise 36 (README "Exercise"): -a, an entry uprobe saves the first
# argument in a hash map 'args' keyed by thread; the return prints
# SYMBOL(ARG) = RETURN.  Checked against uret_target, which prints each
# value it got back for i = 0..N-1, in order.
load ../../tests/lib

BIN=$OUT/uretprobe
TARGET=$OUT/uret_target

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

arg_option() {
	"$BIN" -a --help >/dev/null 2>&1 || fail "no -a option"
}

start() {
	local f=$1
	shift
	start_bg "$f" "$BIN" "$@"
	wait_for_line "$f" '^TIME +PID +COMM +RETURN$'
}

# run_target N: uret_target on one CPU (one perf ring: events in order).
run_target() {
	taskset -c 0 "$TARGET" "$1" >"$T/target" 3>&- &
	TPID=$!
	wait "$TPID"
}

# returns FILE PID: the RETURN column of PID's lines.
returns() {
	awk -v pid="$2" '$2 == pid { print substr($0, 35) }' "$1"
}

@test "-a and --arg are options" {
	run "$BIN" -a --help
	assert_success
	assert_output --partial "--arg"
}

@test "-a -t int: each line is answer(I) = VALUE, exactly uret_target's calls in order" {
	arg_option
	start "$T/out" -a -b "$TARGET" -f answer -t int
	run_target 6
	wait_for_count "$T/out" "^[0-9:]{8} +$TPID " 6
	stop_bg_output "$T/out"
	assert_equal "$(returns "$T/out" "$TPID")" \
		"$(sed -n 's/^answer //p' "$T/target" | awk '{ printf "answer(%d) = %s\n", NR - 1, $1 }')"
	assert_line --regexp "^[0-9:]{8} +$TPID +uret_target +answer\(2\) = 4$"
}

@test "-a on word(): word(I) = WORD; 'args' is a hash map, empty once every call returned" {
	arg_option
	start "$T/out" -a -b "$TARGET" -f word
	run "$BPFTOOL" map show name args
	assert_output --regexp '^[0-9]+: hash +name args +flags'
	run_target 5
	wait_for_count "$T/out" "^[0-9:]{8} +$TPID " 5
	assert_equal "$("$BPFTOOL" -j map dump name args | jq length)" 0
	stop_bg_output "$T/out"
	assert_equal "$(returns "$T/out" "$TPID" | paste -sd,)" \
		"word(0) = alpha,word(1) = beta,word(2) = gamma,word(3) = delta,word(4) = alpha"
}
