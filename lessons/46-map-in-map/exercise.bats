#!/usr/bin/env bats
# Exercise 46 (README "Exercise"): -s, double buffering: each second the
# loader makes N getpid() calls, swaps outer_array[0] between inner_a and
# inner_b, prints the map it swapped out and zeroes it.  Checked against -n
# (every printed buffer holds exactly N) and bpftool (outer_array[0] holds
# one of the two, and the other's slot 0 is back to 0 after its swap).
load ../../tests/lib

BIN=$OUT/map_in_map

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

@test "-s and --swap are options" {
	run "$BIN" -s --help
	assert_success
	assert_output --partial "--swap"
}

@test "-s -n 7: every swapped-out buffer held exactly 7, inner_b and inner_a in turn" {
	local a b cur
	"$BIN" -s --help >/dev/null 2>&1 || fail "no -s option"
	start_bin '^Holding the maps\. Ctrl-C to stop\.$' -s -n 7
	wait_for_count "$T/out" '^swap [0-9]+: ' 3 10
	a=$("$BPFTOOL" -j map show name inner_a | jq .id)
	b=$("$BPFTOOL" -j map show name inner_b | jq .id)
	cur=$("$BPFTOOL" -j map dump name outer_array | jq -r '.[0].value | reverse | map(ltrimstr("0x")) | join("")')
	cur=$((16#$cur))
	[ "$cur" = "$a" ] || [ "$cur" = "$b" ] || fail "outer_array[0] holds map $cur, neither inner_a ($a) nor inner_b ($b)"
	stop_bg_output "$T/out"
	assert_equal "$(grep -E '^swap [0-9]+: ' "$T/out" | head -3 | paste -sd,)" \
		"swap 1: inner_b[0]=7,swap 2: inner_a[0]=7,swap 3: inner_b[0]=7"
	# Every buffer it printed held the calls of one second: never more.
	run grep -E '^swap [0-9]+: ' "$T/out"
	refute_output --regexp '=([0-689]|[0-9]{2,})$'
}
