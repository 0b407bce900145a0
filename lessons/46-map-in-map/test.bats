#!/usr/bin/env bats
# Lesson 46: the loader counts its own getpid() calls through two outer
# maps and swaps one inner map.  Oracles: the number of calls we asked for
# (-n), and bpftool, which reads the outer and inner maps from the outside
# while the loader holds them.
load ../../tests/lib

BIN=$OUT/map_in_map

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() { start_bin '^Holding the maps\. Ctrl-C to stop\.$' "$@"; }

# le_u32 HEXBYTES...: bpftool's little-endian bytes ("0x36" "0x13" ...) as a number.
le_u32() { echo $(($4 << 24 | $3 << 16 | $2 << 8 | $1)); }

# slot0 NAME: slot 0 of that inner map, read by bpftool (a u64, little endian).
slot0() {
	"$BPFTOOL" -j map lookup name "$1" key 0 0 0 0 |
		jq -r '.value | reverse | map(ltrimstr("0x")) | join("")' | { read -r h && echo $((16#$h)); }
}

@test "a swapped inner map gets the next calls; bpftool reads both inner maps" {
	local b
	start -n 4
	run "$BPFTOOL" -j map show name outer_array
	assert_equal "$(jq -r .type <<<"$output")" array_of_maps
	run "$BPFTOOL" -j map show name outer_hash
	assert_equal "$(jq -r .type <<<"$output")" hash_of_maps
	# Inner maps of three sizes, all with BPF_F_INNER_MAP (0x1000).
	assert_equal "$("$BPFTOOL" -j map show name inner_a | jq -c '[.max_entries, .flags]')" "[4,4096]"
	assert_equal "$("$BPFTOOL" -j map show name inner_b | jq -c '[.max_entries, .flags]')" "[16,4096]"
	assert_equal "$("$BPFTOOL" -j map show name inner_c | jq -c '[.max_entries, .flags]')" "[64,4096]"
	# After the swap, outer_array[0] holds inner_b; the hash entry is gone.
	b=$("$BPFTOOL" -j map show name inner_b | jq .id)
	# shellcheck disable=SC2046 # four byte words
	assert_equal "$(le_u32 $("$BPFTOOL" -j map dump name outer_array | jq -r '.[0].value[]'))" "$b"
	assert_equal "$("$BPFTOOL" -j map dump name outer_hash | jq length)" 0
	# Step 1 counted in a and c, step 2 (after the swap) in b and c, step 3 in b.
	assert_equal "$(slot0 inner_a)" 4
	assert_equal "$(slot0 inner_b)" 8
	assert_equal "$(slot0 inner_c)" 8
	stop_bg_output "$T/out"
	assert_line --regexp '^outer_array\[0\]=inner_a, hash=inner_c: +inner_a\[0\]=4 inner_b\[0\]=0 inner_c\[0\]=4$'
	assert_line --regexp '^outer_array\[0\]=inner_b, hash=inner_c: +inner_a\[0\]=4 inner_b\[0\]=4 inner_c\[0\]=8$'
	assert_line --regexp '^outer_array\[0\]=inner_b, hash empty: +inner_a\[0\]=4 inner_b\[0\]=8 inner_c\[0\]=8$'
	assert_line --regexp "^Created inner_b: ARRAY, 16 entries, map id $b$"
}

@test "the program counts only the loader's calls: the numbers follow -n" {
	start -n 1000
	stop_bg_output "$T/out"
	assert_line --regexp 'hash empty: +inner_a\[0\]=1000 inner_b\[0\]=2000 inner_c\[0\]=2000$'
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -n 0
	assert_failure 64
	assert_line --index 0 "map_in_map: invalid calls '0': out of range 1..1000000"
	run "$BIN" -n many
	assert_failure 64
	assert_line --index 0 "map_in_map: invalid calls 'many': want a whole number from 1 to 1000000"
	run "$BIN" --swap
	assert_failure 64
	cp "$BIN" "$T/map_in_map"
	chmod 755 "$T" "$T/map_in_map"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/map_in_map"
	assert_failure 1
	assert_output --partial "map_in_map: must run as root"
}

@test "SIGINT/SIGTERM detach everything: program, outer and inner maps go" {
	start
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	start
	stop_bg_output "$T/out"
	wait_prog_gone count_getpid
	wait_until 10 bash -c "! $BPFTOOL map show | grep -qE 'name (outer_array|outer_hash|inner_[abc]|inner_tmpl) '" ||
		fail "maps left: $($BPFTOOL map show | grep -E 'outer_|inner_')"
}

@test "every command in the README's Run it section works as written" {
	local cmd n=0
	cd "$ROOT"
	while IFS= read -r cmd; do
		n=$((n + 1))
		run timeout -s INT $((5 * LESSON_SLOW)) bash -c "$cmd" 3>&-
		[ "$status" -eq 0 ] || [ "$status" -eq 124 ] || fail "'$cmd' exited $status: $output"
		assert_output --regexp 'hash empty: +inner_a\[0\]=[0-9]+ inner_b'
	done < <(readme_cmds)
	assert [ "$n" -ge 2 ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
