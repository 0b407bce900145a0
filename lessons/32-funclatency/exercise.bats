#!/usr/bin/env bats
# Exercise 32 (README "Exercise"): a per-thread stack of 8 start times, so
# every level of a recursive function is timed.  The oracle is
# funclat_target N MS DEPTH: dive() recurses DEPTH calls deep, napping MS
# at each level, and prints each call's time by its caller's clock ("dive
# NS", innermost first).  The call K levels from the bottom lasts at least
# K * MS and at most what its caller measured: its histogram slot lies
# between those two.
load ../../tests/lib

BIN=$OUT/funclatency
TARGET=$OUT/funclat_target

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# slot V: the first value of V's log2 slot, as the histogram rows print it.
slot() {
	local v=$1 p=1
	[ "$v" -ge 2 ] || {
		echo 0
		return
	}
	while [ $((p * 2)) -le "$v" ]; do p=$((p * 2)); done
	echo "$p"
}

# dives N MS DEPTH: funclatency -m on dive() while the target runs; leaves
# the histogram in $output and the target's lines in $T/dives.
dives() {
	start_bg "$T/out" "$BIN" -m "$TARGET:dive"
	wait_for_line "$T/out" '^Tracing '
	"$TARGET" "$@" >"$T/dives" 3>&-
	stop_bg_output "$T/out"
}

# check_levels MS DEPTH TIMED: the histogram in $output holds exactly one
# call for each of the TIMED outermost levels of every recursion in
# $T/dives, each in a slot its bounds allow: for every slot S, at least as
# many calls sit at or above S as levels must (K * MS >= S), and at least
# as many at or below S as levels the target timed there.
check_levels() {
	local ms=$1 depth=$2 timed=$3 k=0 ns s line total=0 up down
	local -A hist=()
	local lo=() hi=()
	while read -r _ ns; do
		k=$((k % depth + 1))
		[ "$k" -gt $((depth - timed)) ] || continue
		lo+=("$(slot $((k * ms)))")
		hi+=("$(slot $((ns / 1000000)))")
	done < <(grep '^dive ' "$T/dives")
	[ "${#lo[@]}" -gt 0 ] || fail "the target reported no dives"
	while IFS= read -r line; do
		if [[ $line =~ ^\ +([0-9]+)\ -\>\ [0-9]+\ +:\ ([0-9]+)\ +\| ]]; then
			hist[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			total=$((total + BASH_REMATCH[2]))
		fi
	done <<<"$output"
	assert_equal "$total calls timed" "${#lo[@]} calls timed"
	for s in 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192; do
		up=0 down=0
		for k in "${!hist[@]}"; do
			[ "$k" -lt "$s" ] || up=$((up + hist[$k]))
			[ "$k" -gt "$s" ] || down=$((down + hist[$k]))
		done
		for k in "${!lo[@]}"; do
			[ "${lo[$k]}" -lt "$s" ] || up=$((up - 1))
			[ "${hi[$k]}" -gt "$s" ] || down=$((down - 1))
		done
		[ "$up" -ge 0 ] || fail "too few calls at or above $s ms: the outer levels were timed short"
		[ "$down" -ge 0 ] || fail "too few calls at or below $s ms"
	done
	assert_line --regexp "^avg = [0-9]+ msecs, total: [0-9]+ msecs, count: ${#lo[@]}\$"
}

@test "a recursion 3 calls deep is timed at every level: 3 calls of at least 10, 20 and 30 ms" {
	dives 2 10 3
	check_levels 10 3 3
	refute_output --partial "not timed"
}

@test "deeper than 8 levels: the outer 8 are timed, the 2 deepest counted as not timed" {
	dives 1 5 10
	check_levels 5 10 8
	assert_line --regexp "^funclatency: 2 calls not timed"
}
