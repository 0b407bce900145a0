#!/usr/bin/env bats
# Exercise 16 (README "Exercise"): -P, one histogram per process, kept in a
# hash map "hists" keyed by PID (tgid).  Checked with a process we start
# (known PID) that naps NAPS times next to a noisy one: its own section
# counts its wakeups, bounded by the kernel's count of its context switches.
load ../../tests/lib

BIN=$OUT/runqlat
NAPS=20

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_sleeper: as in test.bats, held until `release sleeper`, then naps
# NAPS times, creates "napped" and blocks on the fifo "hold".
start_sleeper() {
	mkfifo "$BATS_TEST_TMPDIR/hold"
	gated sleeper 'exec perl -e "$1" "$2" "$3" "$4"' \
		'select(undef, undef, undef, 0.005) for 1 .. $ARGV[0];
		open(my $d, ">", $ARGV[1]) or die; close($d);
		open(my $h, "<", $ARGV[2]) or die; <$h>' \
		"$NAPS" "$BATS_TEST_TMPDIR/napped" "$BATS_TEST_TMPDIR/hold"
	SLEEPER=$GATED_PID
	wait_until 10 grep -q '^State:.S' "/proc/$SLEEPER/status"
}

@test "-P and --pids are options; with -P a hash map hists with a 4-byte key holds the histograms" {
	run "$BIN" -P --help
	assert_success
	run "$BIN" --pids --help
	assert_success
	assert_output --partial -- "--pids"
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -P
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing run queue latency' 5
	run "$BPFTOOL" map show name hists
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	assert_output --regexp '^[0-9]+: hash +name hists '
	assert_output --regexp 'key 4B '
}

@test "with -P a napping process gets its own 'pid = PID COMM' histogram of its wakeups" {
	local noise switches total
	"$BIN" -P --help >/dev/null 2>&1 || fail "runqlat has no -P option"
	perl -e 'select(undef, undef, undef, 0.001) while 1' 3>&- &
	noise=$!
	_BG_PIDS+=("$noise")
	start_sleeper
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -P
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing run queue latency' 5
	release sleeper
	wait_until 30 test -e "$BATS_TEST_TMPDIR/napped" || fail "the sleeper never finished napping"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	# Oracle: the kernel's count of the sleeper's context switches (+1: its
	# first run).  The noise, had its samples been mixed in, adds hundreds.
	switches=$(awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$SLEEPER/status")
	echo go >"$BATS_TEST_TMPDIR/hold"
	wait "$SLEEPER"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp "^pid = $SLEEPER [^ ]"
	assert_line --regexp "^pid = $noise perl$"
	# Sum the count column of the sleeper's section only.
	total=$(awk -v pid="$SLEEPER" '/^pid = / { mine = ($3 == pid) }
		mine && $2 == "->" { n += $5 } END { print n + 0 }' <<<"$output")
	echo "sleeper: $total samples, $switches context switches"
	assert [ "$total" -ge "$NAPS" ]
	assert [ "$total" -le $((switches + 1)) ]
}
