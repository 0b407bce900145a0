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

# memlock_is_usage: the kernel's memlock figure follows what a map really
# uses (6.4+), not the worst case for its size: an empty hash without
# preallocation is charged less than the same hash preallocated.
memlock_is_usage() {
	local pin=$BATS_TEST_TMPDIR/bpffs flags mem=()
	mkdir -p "$pin"
	mount -t bpf bpf "$pin" || return 2
	for flags in 0 1; do
		"$BPFTOOL" map create "$pin/m$flags" type hash key 4 value 64 entries 4096 \
			name memprobe flags "$flags" || { umount "$pin"; return 2; }
		mem+=("$("$BPFTOOL" -j map show pinned "$pin/m$flags" | jq -r .bytes_memlock)")
	done
	umount "$pin"
	[ "${mem[1]}" -lt "${mem[0]}" ]
}

@test "rl_hash is charged under 128 KiB (the preallocated map: about 320 KiB), and the MEMLOCK column says so" {
	local st=0
	memlock_is_usage || st=$?
	[ "$st" -ne 2 ] || fail "probe inconclusive: bpftool could not create the two hash maps"
	[ "$st" -eq 0 ] || skip "kernel lacks memlock by real usage (6.4+): it charges the worst case for the map's size"
	start_holding
	local id mem
	read -r id mem < <(awk '$1 == "rl_hash" { print $3, $4 }' "$BATS_TEST_TMPDIR/out")
	run "$BPFTOOL" -j map show id "$id"
	assert_success
	assert_equal "$(jq -r '.bytes_memlock' <<<"$output")" "$mem"
	assert [ "$mem" -lt $((128 * 1024)) ]
	stop_bg "$BG_PID" INT
}
