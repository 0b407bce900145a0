#!/usr/bin/env bats
# Exercise 10 (README "Exercise"): how long each unlink took, from a hash
# map of entry times; checked on unlinks by a process whose PID we know,
# against that process's whole lifetime as the test measures it.
load ../../tests/lib

BIN=$OUT/fentry_unlink

setup() {
	lesson_setup
	require_feature tracepoint
	T=$BATS_TEST_TMPDIR
	touch "$T/a"
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN"
	wait_for_line "$T/out" '^EVENT +PID +COMM +DETAIL$' 5
}

@test "a HASH map named 'starts' is loaded: key the 8-byte pid_tgid, value 8-byte nanoseconds" {
	start
	run "$BPFTOOL" -j map show name starts
	assert_success
	assert_equal "$(jq -r '[.type, .bytes_key, .bytes_value] | join(" ")' <<<"$output")" "hash 8 8"
	stop_bg "$BG_PID" INT
}

@test "each EXIT of our rm carries ns=N after ret=, 0 < N < the rm process's lifetime, and no start is left behind" {
	local t0 t1 pid
	start
	# shellcheck disable=SC2016 # the gated shell expands "$@"
	gated rm 'exec rm -f "$@"' "$T/a" "$T/missing"
	pid=$GATED_PID
	t0=$(date +%s%N)
	release -w rm
	t1=$(date +%s%N)
	assert_not_exist "$T/a"
	wait_for_count "$T/out" "^EXIT +$pid +rm +ret=" 1 3
	# Every exit deleted its entry: nothing of rm's threads is left.
	local left
	left=$("$BPFTOOL" -j map dump name starts |
		jq --argjson p "$pid" '[.[] | select((.formatted.key / 4294967296 | floor) == $p)] | length')
	assert_equal "$left" 0
	stop_bg_output "$T/out"
	local ns n=0
	for ns in $(sed -n "s/^EXIT \+$pid \+rm \+ret=-\{0,1\}[0-9]\+ ns=\([0-9]\+\)\( .*\)\{0,1\}$/\1/p" <<<"$output"); do
		assert [ "$ns" -gt 0 ]
		assert [ "$ns" -lt $((t1 - t0)) ]
		n=$((n + 1))
	done
	assert [ "$n" -ge 1 ]
	assert_equal "$n" "$(grep -cE "^EXIT +$pid +rm " <<<"$output")"
}
