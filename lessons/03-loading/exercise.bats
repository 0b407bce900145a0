#!/usr/bin/env bats
# Exercise 03 (README "Exercise"): fix `broken` so the verifier accepts it,
# still counting into `counts`; checked with bpftool.
load ../../tests/lib

BIN=$OUT/loading

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# loaded_id KIND NAME: the kernel id the loader printed for program/map NAME.
loaded_id() {
	sed -n "s/^$1 \+$2 \+\(loaded\|created\), id \([0-9]\+\)$/\2/p" "$BATS_TEST_TMPDIR/out"
}

@test "-p broken loads: the verifier accepts it, bpftool shows the tracepoint program 'broken'" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -p broken
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Loaded 1 programs and [0-9]+ maps' 3
	local id
	id=$(loaded_id program broken)
	run "$BPFTOOL" prog show id "$id"
	assert_output --regexp "^$id: tracepoint +name broken "
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "broken still counts into the map 'counts' (it is among the program's maps)" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -p broken
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Loaded 1 programs and [0-9]+ maps' 3
	local id map
	id=$(loaded_id program broken)
	map=$(loaded_id map counts)
	run "$BPFTOOL" -j prog show id "$id"
	assert_success
	assert_equal "$(jq --argjson m "$map" '.map_ids | index($m) != null' <<<"$output")" true
	stop_bg "$BG_PID" INT
}
