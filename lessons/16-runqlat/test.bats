#!/usr/bin/env bats
# Lesson 16: histograms under a CPU-contending workload we start, and -p
# checked with a process whose wakeups we control (and one that never wakes).
load ../../tests/lib

BIN=$OUT/runqlat
NAPS=20

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# spin N: N busy loops, more than there are CPUs, so tasks queue for a CPU.
spin() {
	local i
	for ((i = 0; i < $1; i++)); do
		bash -c 'while :; do :; done' 3>&- &
		_BG_PIDS+=("$!")
	done
}

# check_hists UNIT: $output holds histograms in UNIT; check each is
# well-formed and set TOTALS to their sample counts ("(no samples)" is 0).
check_hists() {
	local line low high cnt prev=-1 full=0 total=-1
	TOTALS=()
	while IFS= read -r line; do
		if [[ $line =~ ^\ +$1\ +:\ count\ +distribution$ ]]; then
			prev=-1 full=0 total=0
		elif [[ $line == "(no samples)" ]]; then
			TOTALS+=(0)
		elif [[ $line =~ ^\ +([0-9]+)\ -\>\ ([0-9]+)\ +:\ ([0-9]+)\ +\|([*\ ]{40})\|$ ]]; then
			[ "$total" -ge 0 ] || fail "row before a header: '$line'"
			low=${BASH_REMATCH[1]} high=${BASH_REMATCH[2]} cnt=${BASH_REMATCH[3]}
			[[ ${BASH_REMATCH[4]} == *"****************************************"* ]] && full=1
			# log2 slots: [0,1], then [2^i, 2^(i+1)-1], with no gaps.
			if [ "$low" -eq 0 ]; then
				[ "$high" -eq 1 ] || fail "bad first slot: '$line'"
			else
				[ $((low & (low - 1))) -eq 0 ] && [ "$high" -eq $((2 * low - 1)) ] ||
					fail "not a log2 slot: '$line'"
			fi
			[ "$prev" -lt 0 ] || [ "$low" -eq $((prev + 1)) ] ||
				fail "ranges not contiguous at '$line'"
			prev=$high
			total=$((total + cnt))
		elif [ -z "$line" ]; then
			if [ "$total" -gt 0 ]; then
				[ "$full" -eq 1 ] || fail "no row has the full 40-star bar"
				TOTALS+=("$total")
			fi
			total=-1
		elif [[ ! $line =~ ^Tracing\ run\ queue\ latency ]]; then
			fail "unexpected line: '$line'"
		fi
	done <<<"$output"$'\n'
}

# start_sleeper: held until `release sleeper`, then (as perl, same PID)
# naps NAPS times (each nap is one wakeup, so one sample), creates the file
# "napped" and blocks on the fifo "hold" until the test has read its
# context-switch counts.  Sets SLEEPER once it is blocked.
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

# interval/count under contention: COUNT histograms, then exit 0.  -p of a
# spinner: it never sleeps, so every sample is a preemption (prev RUNNING).
hists_under_load() {
	spin 3
	run "$BIN" -p "${_BG_PIDS[-1]}" "$@" 1 2
	assert_success
	check_hists usecs
	assert_equal "${#TOTALS[@]}" 2
	assert [ "${TOTALS[0]}" -gt 0 ]
	assert [ "${TOTALS[1]}" -gt 0 ]
}

# noise: a process that wakes up ~1000 times a second, cheaply.
noise() {
	perl -e 'select(undef, undef, undef, 0.001) while 1' 3>&- &
	_BG_PIDS+=("$!")
}

# -p SLEEPER: its NAPS wakeups (and its preemptions), not the noise's.
only_the_sleeper() {
	noise
	start_sleeper
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -p "$SLEEPER" "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing run queue latency'
	release sleeper
	wait_until 60 test -e "$BATS_TEST_TMPDIR/napped" || fail "the sleeper never finished napping"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	# Oracle: every sample is a switch-in of the sleeper, so there can be no
	# more than the kernel's own count of its switches (+1: its first run).
	# The noise process, had -p let it through, would add hundreds.
	local switches
	switches=$(awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$SLEEPER/status")
	echo go >"$BATS_TEST_TMPDIR/hold"
	wait "$SLEEPER"
	output=$(cat "$BATS_TEST_TMPDIR/out")
	check_hists usecs
	assert_equal "${#TOTALS[@]}" 1
	assert [ "${TOTALS[0]}" -ge "$NAPS" ]
	assert [ "${TOTALS[0]}" -le $((switches + 1)) ]
}

# -p of a process that stays asleep: an empty histogram.
idle_pid_empty() {
	sleep 1000 3>&- &
	local idle=$!
	_BG_PIDS+=("$idle")
	wait_until 10 grep -q '^State:.S' "/proc/$idle/status"
	# INTERVAL, not -d: -d counts from start-up, this from attach.
	run "$BIN" -p "$idle" "$@" 1 1
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 "(no samples)"
}

@test "tp_btf is chosen when the kernel has it (bpftool sees tracing programs)" {
	require_feature tp_btf
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Tracing run queue latency \(tp_btf\)'
	run "$BPFTOOL" prog show name runqlat_switch
	assert_output --regexp '^[0-9]+: tracing +name runqlat_switch'
	run "$BPFTOOL" prog show name runqlat_raw_sw
	assert_output ""
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "--raw-tp forces the raw_tp programs" {
	require_feature raw_tp
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" --raw-tp
	wait_for_line "$BATS_TEST_TMPDIR/out" \
		'^Tracing run queue latency \(raw_tp: forced with --raw-tp\)'
	run "$BPFTOOL" prog show name runqlat_raw_sw
	assert_output --regexp '^[0-9]+: raw_tracepoint +name runqlat_raw_sw'
	run "$BPFTOOL" prog show name runqlat_switch
	assert_output ""
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "tp_btf: INTERVAL COUNT: COUNT well-formed histograms of a preempted spinner" {
	require_feature tp_btf
	hists_under_load
	assert_line --index 0 --partial "(tp_btf)"
}

@test "raw_tp: INTERVAL COUNT: COUNT well-formed histograms of a preempted spinner" {
	hists_under_load --raw-tp
	assert_line --index 0 --partial "(raw_tp: "
}

@test "tp_btf: -p counts only that process's wakeups" {
	require_feature tp_btf
	only_the_sleeper
}

@test "raw_tp: -p counts only that process's wakeups" {
	only_the_sleeper --raw-tp
}

@test "tp_btf: -p of a process that never wakes: no samples" {
	require_feature tp_btf
	idle_pid_empty
}

@test "raw_tp: -p of a process that never wakes: no samples" {
	idle_pid_empty --raw-tp
}

@test "-m: milliseconds, every process" {
	run "$BIN" -m 1 1
	assert_success
	check_hists msecs
	assert_equal "${#TOTALS[@]}" 1
	assert [ "${TOTALS[0]}" -gt 0 ]
}

@test "INTERVAL 1: every interval lasts a second by the test's own clock" {
	local stamps=$BATS_TEST_TMPDIR/stamps line t0 took
	# Stamp each line as it arrives (stdout is line-buffered) with bash's
	# clock, not the loader's.  A histogram starts with an empty line.
	# t0 is before the loader even starts, and a stamp can only be late, so
	# t0 -> third histogram >= 3 s whatever the load: a lower bound only.
	# Whole-second clocks ended the first interval at the next second
	# boundary (0.1..1 s), so three took 2.1..3 s plus the start-up.
	t0=$EPOCHREALTIME
	"$BIN" 1 3 | while IFS= read -r line; do
		echo "$EPOCHREALTIME $line"
	done >"$stamps"
	assert_equal "${PIPESTATUS[0]}" 0
	assert_equal "$(awk 'NF == 1' "$stamps" | wc -l)" 3
	took=$(awk -v t0="$t0" 'NF == 1 { t = $1 } END { printf "%.3f", t - t0 }' "$stamps")
	awk -v d="$took" 'BEGIN { exit !(d >= 3) }' ||
		fail "three 1-second intervals took ${took}s from the loader's start"
}

@test "bad input: one clear line, non-zero exit" {
	run "$BIN" soon
	assert_bad_input "runqlat: invalid interval 'soon': want a whole number from 1 to 2147483647"
	run "$BIN" 1 0
	assert_bad_input "runqlat: invalid count '0': out of range 1..2147483647"
	run "$BIN" 1 2 3
	assert_bad_input "runqlat: invalid argument '3': at most INTERVAL and COUNT"
	run "$BIN" -p notapid
	assert_bad_input "runqlat: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
