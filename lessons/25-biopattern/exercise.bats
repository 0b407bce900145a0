#!/usr/bin/env bats
# Exercise 25 (README "Exercise"): -R DIR, only reads or only writes, by the
# operation letter of the tracepoint's rwbs, filtered in the kernel before
# next_sector moves.  Checked on a loop device of the test's with the two dd
# passes of test.bats running at the same time: 256 sequential 4 KiB
# writes and 64 single-block reads 613 blocks apart.
load ../../tests/lib
load loop

# The sequential writes and the scattered reads at once, so that without
# the filter they would interleave.
mixed_io() {
	local i w
	dd if=/dev/zero of="$DEV" bs=4k count=256 oflag=direct status=none &
	w=$!
	for i in $(seq 64); do
		dd if="$DEV" of=/dev/null bs=4k count=1 skip=$((i * 613 % 16000)) iflag=direct status=none
	done
	wait "$w"
}

# traced ARG...: biopattern ARGs -D DISK 60 around mixed_io; its output
# is loaded as `run` would.
traced() {
	"$BIN" "$@" --help >/dev/null 2>&1 || fail "biopattern has no option $*"
	start_bg "$T/out" "$BIN" "$@" -D "$DISK" 60
	wait_for_line "$T/out" '^DISK +%RND +%SEQ +COUNT +KBYTES$'
	mixed_io
	stop_bg_output "$T/out"
}

@test "-R DIR and --direction DIR are options; a bad DIR is one line, exit 64" {
	run "$BIN" -R write --help
	assert_success
	run "$BIN" --direction read --help
	assert_success
	assert_output --partial -- "--direction"
	run "$BIN" -R sideways
	assert_bad_input "biopattern: invalid direction 'sideways': want one of read, write"
}

@test "-R write counts only dd's 256 writes, all sequential after the first, not the reads among them" {
	loop_dev
	traced -R write
	assert_line --regexp "^$DISK +0 +99 +256 +1024\$"
	assert_equal "$(count_lines "$T/out" "^$DISK ")" 1
}

@test "-R read counts only the 64 scattered reads, all random, not the writes among them" {
	loop_dev
	traced -R read
	assert_line --regexp "^$DISK +100 +0 +64 +256\$"
	assert_equal "$(count_lines "$T/out" "^$DISK ")" 1
}
