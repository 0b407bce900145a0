#!/usr/bin/env bats
# Exercise 24 (README "Exercise"): posix_memalign(), whose address is not
# its return value but written to *memptr.  Checked with a workload built
# here, run under -c: it leaks K blocks of S bytes from leak_aligned(),
# makes one call that fails (alignment 24: EINVAL, *memptr untouched, still
# holding a leaked block's address) from bad_aligned(), and frees all 100
# blocks churn_aligned() takes.  Alignment 64: glibc only calls malloc()
# itself for alignments malloc already gives (16).
load ../../tests/lib

BIN=$OUT/memleak

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	cat >"$T/aligned.c" <<'EOF'
#include <errno.h>
#include <stdlib.h>

static void *kept[64];
static int nr_kept;

__attribute__((noinline)) void leak_aligned(int k, size_t size)
{
	for (int i = 0; i < k && nr_kept < 64; i++)
		if (!posix_memalign(&kept[nr_kept], 64, size))
			nr_kept++;
}

__attribute__((noinline)) int bad_aligned(void)
{
	void *p = kept[0];

	return posix_memalign(&p, 24, 100) == EINVAL && p == kept[0];
}

__attribute__((noinline)) void churn_aligned(int n)
{
	for (int i = 0; i < n; i++) {
		void *p;

		if (!posix_memalign(&p, 4096, 2000 + i))
			free(p);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	leak_aligned(atoi(argv[1]), atol(argv[2]));
	if (!bad_aligned())
		return 3;
	churn_aligned(100);
	return 0;
}
EOF
	gcc -g -O0 -fno-omit-frame-pointer -fno-inline -Wall -o "$T/aligned" "$T/aligned.c" ||
		fail "cannot build the workload"
}
teardown() { lesson_teardown; }

# site FUNC: "BYTES COUNT" of the stack led by FUNC in $T/out's report.
site() {
	awk -v f="$1" '
		/^\t[0-9]+ bytes in [0-9]+ allocations from stack$/ { b = $1; c = $4; first = 1; next }
		first { if (index($1, f "+") == 1) print b, c; first = 0 }' "$T/out"
}

@test "the blocks posix_memalign() gave and nobody freed are reported, under the function that asked" {
	run "$BIN" -c "$T/aligned 5 3000"
	assert_success
	echo "$output" >"$T/out"
	assert_equal "$(site leak_aligned)" "15000 5"
	assert_output --regexp $'\t\tleak_aligned\+0x[0-9a-f]+ \[aligned\]\n\t\tmain\+0x[0-9a-f]+ \[aligned\]'
	# Another K and S: the numbers follow.
	run "$BIN" -c "$T/aligned 2 100000"
	assert_success
	echo "$output" >"$T/out"
	assert_equal "$(site leak_aligned)" "200000 2"
}

@test "a posix_memalign() block that is freed is forgotten, and a call that fails adds nothing" {
	run "$BIN" -c "$T/aligned 5 3000"
	assert_success
	echo "$output" >"$T/out"
	# Exactly the 5 leaked blocks: not the failed call, not the churn.
	assert_line --regexp '^\[[0-9:]{8}\] 5 allocations outstanding, 15000 bytes, from 1 stacks; top 10:$'
	refute_output --partial bad_aligned
	refute_output --partial churn_aligned
}
