#!/usr/bin/env bats
# make bench QUICK=1 into a temp dir: every section is there with numbers, so
# the benchmark code cannot rot.  No timing is asserted.
load lib

setup() {
	# installed at all? (asked with the system PATH: ours is restricted)
	PATH=/usr/sbin:/usr/bin:/sbin:/bin "$ROOT/tools/deps" check peers >/dev/null ||
		skip "peer tools not installed: tools/deps ensure peers"
	# tests/run's PATH holds build/test commands only; add the peers'.
	"$ROOT/tools/deps" path "$BATS_TEST_TMPDIR/path" build test peers
	export PATH=$BATS_TEST_TMPDIR/path
}

@test "make bench QUICK=1 writes every section with numeric cells and its charts" {
	out=$BATS_TEST_TMPDIR/out
	run make -C "$ROOT" bench QUICK=1 BENCH_OUT="$out"
	assert_success
	assert_output --partial "bench: wrote $out/RESULTS.md"
	res=$out/RESULTS.md
	assert_file_exists "$res"
	for s in "## Machine" "## 1. Loader cost" "## 2. Overhead on the traced workload" \
		"## 3. XDP per-packet cost" "## 4. Event transport" "## 5. Build" \
		"## Against the targets"; do
		grep -qF "$s" "$res" || fail "no section '$s'"
	done
	# a median [min–max] cell in every table's lesson rows
	num='[0-9.]+ \[[0-9.]+–[0-9.]+\]'
	for row in "lesson 00 xdp_counter" "lesson 11 opensnoop" "lesson 14 execsnoop" \
		"lesson 16 runqlat" "lesson 01 helloworld" "ARRAY + atomic add" "PERCPU_ARRAY" \
		"| ring |" "| perf |" "rebuild after touching"; do
		grep -F "$row" "$res" | grep -qE "$num" || fail "no numbers in the '$row' row"
	done
	grep -E '^\| (xdp counter|opensnoop) \|.*\| [0-9.]+× \|' "$res" || fail "no ratios"
	for png in loader overhead xdp transport; do
		file "$out/$png.png" | grep -q 'PNG image' || fail "$png.png is not a PNG"
	done
	# the committed results were not touched
	run git -C "$ROOT" status --porcelain -- bench/RESULTS.md
	assert_output ""
}
