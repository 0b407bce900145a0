#!/usr/bin/env bats
# Exercise 24 (README "Exercise"): posix_memalign(), whose address is not
# its return value but written to *memptr.  Checked with the lesson's
# workload aligned.c (built by its Makefile, so also where no compiler is),
# run under -c: it leaks K blocks of S bytes from leak_aligned(), makes one
# call that fails (alignment 24: EINVAL, *memptr untouched, still holding a
# leaked block's address) from bad_aligned(), and frees all 100 blocks
# churn_aligned() takes.  Alignment 64: glibc only calls malloc()
# itself for alignments malloc already gives (16).
load ../../tests/lib

BIN=$OUT/memleak
ALIGNED=$OUT/aligned

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# site FUNC: "BYTES COUNT" of the stack led by FUNC in $T/out's report.
site() {
	awk -v f="$1" '
		/^\t[0-9]+ bytes in [0-9]+ allocations from stack$/ { b = $1; c = $4; first = 1; next }
		first { if (index($1, f "+") == 1) print b, c; first = 0 }' "$T/out"
}

@test "the blocks posix_memalign() gave and nobody freed are reported, under the function that asked" {
	run "$BIN" -c "$ALIGNED 5 3000"
	assert_success
	echo "$output" >"$T/out"
	assert_equal "$(site leak_aligned)" "15000 5"
	assert_output --regexp $'\t\tleak_aligned\+0x[0-9a-f]+ \[aligned\]\n\t\tmain\+0x[0-9a-f]+ \[aligned\]'
	# Another K and S: the numbers follow.
	run "$BIN" -c "$ALIGNED 2 100000"
	assert_success
	echo "$output" >"$T/out"
	assert_equal "$(site leak_aligned)" "200000 2"
}

@test "a posix_memalign() block that is freed is forgotten, and a call that fails adds nothing" {
	run "$BIN" -c "$ALIGNED 5 3000"
	assert_success
	echo "$output" >"$T/out"
	# Exactly the 5 leaked blocks: not the failed call, not the churn.
	assert_line --regexp '^\[[0-9:]{8}\] 5 allocations outstanding, 15000 bytes, from 1 stacks; top 10:$'
	refute_output --partial bad_aligned
	refute_output --partial churn_aligned
}
