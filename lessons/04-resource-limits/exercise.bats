#!/usr/bin/env bats
# Exercise 04 (README "Exercise"): rl_hash without preallocation, checked
# with bpftool's view of the map and its memlock charge.
load ../../tests/lib

BIN=$OUT/resource_limits

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_holding: run the loader until it holds its maps.
start_holding() {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Holding the maps' 5
}

@test "rl_hash has the flag BPF_F_NO_PREALLOC (bpftool: flags 1), still 4096 entries" {
	start_holding
	run "$BPFTOOL" -j map show name rl_hash
	assert_success
	assert_equal "$(jq -r '.flags' <<<"$output")" 1
	assert_equal "$(jq -r '.max_entries' <<<"$output")" 4096
	stop_bg "$BG_PID" INT
}

@test "rl_hash is charged under 128 KiB (the preallocated map: about 320 KiB), and the MEMLOCK column says so" {
	start_holding
	local id mem
	read -r id mem < <(awk '$1 == "rl_hash" { print $3, $4 }' "$BATS_TEST_TMPDIR/out")
	run "$BPFTOOL" -j map show id "$id"
	assert_success
	assert_equal "$(jq -r '.bytes_memlock' <<<"$output")" "$mem"
	assert [ "$mem" -lt $((128 * 1024)) ]
	stop_bg "$BG_PID" INT
}
