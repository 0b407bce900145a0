#!/usr/bin/env bats
# make bench QUICK=1 into a temp dir: every section is there, with numbers in
# the lessons' own rows, so the benchmark code cannot rot.  The peers
# (tools/deps ensure peers: hundreds of MB, which CI's fresh root does not
# install) are measured too where installed; where not, their rows must say
# so.  No timing is asserted.  BENCH_PEERS=0: run as if no peer were installed.
load lib

NOT_INSTALLED="not installed (tools/deps ensure peers)"
NOT_INSTALLED_RE='not installed \(tools/deps ensure peers\)'
# a median [min–max] cell
NUM='[0-9.]+ \[[0-9.]+–[0-9.]+\]'

setup() {
	peers=0
	# installed at all? (asked with the system PATH: ours is restricted)
	if [ "${BENCH_PEERS:-1}" != 0 ] &&
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$ROOT/tools/deps" check peers >/dev/null; then
		peers=1
	fi
	# Only the build/test commands, plus the peers' when they are all there
	# (bench/run looks peers up on PATH): a partial set counts as none.
	local groups=(build test)
	[ "$peers" = 0 ] || groups+=(peers)
	"$ROOT/tools/deps" path "$BATS_TEST_TMPDIR/path" "${groups[@]}"
	export PATH=$BATS_TEST_TMPDIR/path
}

# rows_match TEXT ERE WHAT: every table row naming TEXT matches ERE; one does.
rows_match() {
	local rows
	rows=$(grep -F -- "$1" "$res" | grep '^|') || fail "no table row '$1'"
	if grep -vE -- "$2" <<<"$rows"; then fail "a '$1' row above has no $3"; fi
}

@test "make bench QUICK=1 writes every section with numeric cells for the lessons (and the peers installed)" {
	skip_if_sanitize "make bench times the usual build (its rebuild rows edit and rebuild build/)"
	out=$BATS_TEST_TMPDIR/out
	run make -C "$ROOT" bench QUICK=1 BENCH_OUT="$out"
	assert_success
	assert_output --partial "bench: wrote $out/RESULTS.md"
	res=$out/RESULTS.md
	json=$out/results.json
	assert_file_exists "$res"
	for s in "## Machine" "## Peers that cannot run here" "## 1. Loader cost" \
		"## 2. Overhead on the traced workload" "## 3. XDP per-packet cost" \
		"## 4. Event transport" "## 5. Build" "## Against the targets"; do
		grep -qF "$s" "$res" || fail "no section '$s'"
	done
	# The lessons' own rows (loader, overhead, live frames), the untraced
	# baseline, the XDP programs, both transports, our build: measured.
	for row in "lesson 00 xdp_counter" "lesson 01 helloworld" "lesson 11 opensnoop" \
		"lesson 14 execsnoop" "lesson 16 runqlat" "lesson 43 xdp_ip_counter" "| none |" \
		"empty program" "ARRAY + atomic add" "PERCPU_ARRAY" ".bss global" \
		"LRU hash per source IP" "| no program |" "| ring |" "| perf |" "clean \`make -j2\`" \
		"rebuild after editing one .bpf.c"; do
		rows_match "$row" "$NUM" "numbers"
	done
	run jq -e '[.loader[] | select(.lesson) | .ready_s | length > 0] | all' "$json"
	assert_success
	# XDP on every CPU at once: each program's row has both figures, their
	# ratio and the overlap; every counter but the racy one counted exactly
	# the packets run (the racy one's losses are reported, not asserted).
	rows_match "ARRAY + plain add" "$NUM" "numbers"
	contended=$(sed -n '/^| program | 1 CPU: ns\/pkt |/,/^$/p' "$res" |
		grep -v -e '^| program ' -e '^|---') ||
		fail "no contended XDP table"
	[ "$(wc -l <<<"$contended")" = 6 ] || fail "not 6 contended rows: $contended"
	if grep -vE "^\| [^|]+ \| $NUM \| $NUM \| [0-9.]+× \[[0-9.]+–[0-9.]+\] \| $NUM \| (exact: [0-9]+|no counter|[0-9]+ of [0-9]+: [0-9]+ lost \([0-9.]+ %\)) \|$" <<<"$contended"; then
		fail "a contended XDP row above lacks a figure"
	fi
	run jq -e '.xdp.check_failed == [] and ([.xdp.contended.rows[] | select(.racy | not) |
		select(.runs != null) | .counted == .runs] | length == 4 and all) and
		([.xdp.test_run[] | select(.count != null) | .count[0] == .count[1]] | all)' "$json"
	assert_success
	peer_rows=("ebpf-go counter" "bpftrace" "libbpf-tools" "| strace -")
	if [ "$peers" = 1 ]; then
		for row in "${peer_rows[@]}"; do rows_match "$row" "$NUM" "numbers"; done
		grep -E '^\| (xdp counter|opensnoop) \|.*\| [0-9.]+× \|' "$res" || fail "no ratios"
		run jq -e '.peers_missing == []' "$json"
		assert_success
		for png in loader overhead xdp transport; do
			file "$out/$png.png" | grep -q 'PNG image' || fail "$png.png is not a PNG"
		done
	else
		for row in "${peer_rows[@]}"; do
			rows_match "$row" "$NOT_INSTALLED_RE" "'$NOT_INSTALLED'"
		done
		grep -qF -- "- **not installed here**: " "$res" || fail "no list of the missing peers"
		# null figures in results.json, and the package that is missing
		run jq -e '[.loader[] | select(.lesson | not) | .ready_s == null and .missing != null]
			| all' "$json"
		assert_success
		run jq -e '[.overhead[] | .conds as $c | .missing | length > 0 and
			([keys[] | $c[.] == null] | all)] | all' "$json"
		assert_success
		# no gnuplot: no charts, and RESULTS.md says why
		run grep -c "^_No chart: gnuplot $NOT_INSTALLED._" "$res"
		assert_output 4
		for png in loader overhead xdp transport; do assert_file_not_exists "$out/$png.png"; done
	fi
	# the committed results were not touched
	run git -C "$ROOT" status --porcelain -- bench/RESULTS.md bench/results.json 'bench/*.png'
	assert_output ""
}
