#!/usr/bin/env bats
# Exercise 33 (README "Exercise"): -b N, the drain callback stops after N
# samples (returns 1) and the loader rings the doorbell until the kernel has
# consumed everything.  Checked against the values and the DRAIN column the
# echoes carry, and the kernel's own totals.
load ../../tests/lib

BIN=$OUT/user_ringbuf

setup() { lesson_setup; }
teardown() { lesson_teardown; }

@test "-b and --batch are options taking a count of at least 1" {
	run "$BIN" -b 2 --help
	assert_success
	run "$BIN" --batch 2 --help
	assert_success
	assert_output --partial "--batch"
	run "$BIN" -b 0 1
	assert_failure 64
}

@test "-b 2 with five values: drains 1, 1, 2, 2, 3, each sample once and in order" {
	require_feature map_type:user_ringbuf
	run "$BIN" -b 2 -- 10 20 -5 0 7
	assert_success
	assert_equal "$(awk '$1 ~ /^[0-9]+$/ { print $1, $2, $3 }' <<<"$output" | paste -sd,)" \
		"0 10 1,1 20 1,2 -5 2,3 0 2,4 7 3"
	assert_line "sent:   5 samples, sum 32"
	assert_line "kernel: 5 samples, sum 32, 0 out of order, 0 short, 3 drain calls"
}

@test "-b 100 with 1000 samples in a one-page buffer: 100 per drain, none lost" {
	require_feature map_type:user_ringbuf
	run bash -c "seq 1000 | '$BIN' -b 100"
	assert_success
	run awk '$1 ~ /^[0-9]+$/ && $3 != int($1 / 100) + 1' <<<"$output"
	assert_output ""
	run bash -c "seq 1000 | '$BIN' -b 100 | tail -1"
	assert_output "kernel: 1000 samples, sum 500500, 0 out of order, 0 short, 10 drain calls"
}
