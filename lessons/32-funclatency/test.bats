#!/usr/bin/env bats
# Lesson 32: funclat_target calls nap(MS) N times and times each call with
# its own clock.  Each probe-timed call lies inside that window and lasts at
# least MS, so its histogram slot is pinned between slot(MS) and the slot of
# the target's own figure; the histogram must hold exactly N calls that fit.
load ../../tests/lib

BIN=$OUT/funclatency
TARGET=$OUT/funclat_target

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^Tracing '
}

# low V: the first value of V's log2 slot, as the histogram rows print it.
low() {
	local v=$1 p=1
	[ "$v" -ge 2 ] || {
		echo 0
		return
	}
	while [ $((p * 2)) -le "$v" ]; do p=$((p * 2)); done
	echo "$p"
}

# check_hist UNIT_NS MS NAPS_FILE: the histogram in $output against the
# target's own "nap NS" lines.  Every slot below slot(MS) is empty, the total
# is the number of naps, and for every slot S at least as many calls sit at
# or below S as there are naps whose own time falls at or below S.
check_hist() {
	local unit=$1 floor cnt rows=() lows=() naps=() n=0 i total=0 below must
	floor=$(low $(($2 * 1000000 / unit)))
	while read -r _ ns; do naps+=("$(low $((ns / unit)))"); done < <(grep '^nap ' "$3")
	[ "${#naps[@]}" -gt 0 ] || fail "the target reported no naps"
	while IFS= read -r line; do
		if [[ $line =~ ^\ +([0-9]+)\ -\>\ [0-9]+\ +:\ ([0-9]+)\ +\| ]]; then
			lows+=("${BASH_REMATCH[1]}")
			rows+=("${BASH_REMATCH[2]}")
		fi
	done <<<"$output"
	for i in "${!rows[@]}"; do
		cnt=${rows[$i]}
		total=$((total + cnt))
		[ "$cnt" -eq 0 ] || [ "${lows[$i]}" -ge "$floor" ] ||
			fail "$cnt calls in slot ${lows[$i]}, below $2 ms (slot $floor)"
		below=$total
		must=0
		for n in "${naps[@]}"; do [ "$n" -gt "${lows[$i]}" ] || must=$((must + 1)); done
		[ "$below" -ge "$must" ] ||
			fail "only $below calls at or below slot ${lows[$i]}; the target timed $must there"
	done
	assert_equal "$total" "${#naps[@]}"
	assert_line --regexp "^avg = [0-9]+ [a-z]+, total: [0-9]+ [a-z]+, count: ${#naps[@]}\$"
}

# waiting_target NAME ARGS...: funclat_target -w ARGS, held until `go NAME`.
declare -gA TFD
waiting_target() {
	local name=$1 fd
	shift
	mkfifo "$T/$name.in"
	"$TARGET" -w "$@" <"$T/$name.in" >"$T/$name.out" 2>&1 3>&- &
	TPID=$!
	_BG_PIDS+=("$TPID")
	exec {fd}>"$T/$name.in"
	TFD[$name]=$fd
	wait_for_line "$T/$name.out" "^ready $TPID$"
}
go() {
	local fd=${TFD[$1]}
	echo go >&"$fd"
	exec {fd}>&-
}

@test "-u BINARY:nap: N calls of MS ms land where the target's own clock says" {
	start -u "$TARGET:nap"
	assert_file_contains "$T/out" "^Tracing nap() in $TARGET\. Hit Ctrl-C to end\.$"
	"$TARGET" 5 10 >"$T/naps" 3>&-
	stop_bg_output "$T/out"
	assert_line --regexp '^ +usecs +: count +distribution$'
	check_hist 1000 10 "$T/naps"
}

@test "default nanoseconds; two runs of the program add up" {
	start "$TARGET:nap"
	"$TARGET" 3 2 >"$T/naps" 3>&-
	"$TARGET" 2 2 >>"$T/naps" 3>&-
	stop_bg_output "$T/out"
	assert_line --regexp '^ +nsecs +: count +distribution$'
	check_hist 1 2 "$T/naps"
}

@test "-m -p PID :nap: only that process's calls, in milliseconds" {
	local a b
	waiting_target a 4 20
	a=$TPID
	waiting_target b 3 20
	b=$TPID
	start -m -p "$a" :nap
	assert_file_contains "$T/out" "^Tracing nap() in /proc/$a/exe for PID $a\."
	go b
	go a
	wait "$a" "$b"
	stop_bg_output "$T/out"
	assert_line --regexp '^ +msecs +: count +distribution$'
	check_hist 1000000 20 "$T/a.out"
}

@test "-i: one histogram per interval, empty ones say so" {
	start -i 1 "$TARGET:nap"
	wait_for_count "$T/out" '^\(no samples\)$' 1
	"$TARGET" 2 1 >"$T/naps" 3>&-
	wait_for_line "$T/out" 'count: 2$'
	stop_bg_output "$T/out"
	# Before the naps: empty intervals; then the interval with both naps.
	assert [ "$(grep -c '^(no samples)$' <<<"$output")" -ge 2 ]
	output=$(sed -n '/^(no samples)$/!p' <<<"$output" | sed '/count: 2$/q')
	check_hist 1 1 "$T/naps"
}

@test "kprobe: -p PID hrtimer_nanosleep counts that process's sleeps" {
	require_feature kprobe kretprobe
	waiting_target a 4 10
	start -u -p "$TPID" hrtimer_nanosleep
	assert_file_contains "$T/out" "^Tracing kernel function hrtimer_nanosleep() for PID $TPID\."
	run "$BPFTOOL" perf
	assert_output --regexp "kprobe +func hrtimer_nanosleep"
	go a
	wait "$TPID"
	stop_bg_output "$T/out"
	check_hist 1000 10 "$T/a.out"
}

@test "a kernel function without kprobes: one line naming the reason, exit 1" {
	local why
	why=$(probe_reason kprobe) || skip "this kernel has kprobes"
	run "$BIN" hrtimer_nanosleep
	assert_equal "$status" 1
	assert_output "funclatency: kernel lacks kprobe: $why"
}

@test "bad input: exit 64 and one line for a bad value, 1 for what fails later" {
	run "$BIN" --bogus nap
	assert_equal "$status" 64
	run "$BIN"
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: missing FUNCTION: a kernel function or BINARY:FUNCTION"
	run "$BIN" a b
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid argument 'b': one FUNCTION only"
	run "$BIN" -u -m nap
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid unit '-m': -u and -m exclude each other"
	run "$BIN" -i 0 nap
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid interval '0': out of range 1..2147483647"
	run "$BIN" :nap
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid function ':nap': ':' needs -p PID"
	run "$BIN" "$TARGET:"
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid function '$TARGET:': no function name"
	run "$BIN" "$T/nosuch:nap"
	assert_equal "$status" 64
	assert_line --index 0 "funclatency: invalid binary '$T/nosuch': No such file or directory"
	run "$BIN" -p notapid :nap
	assert_equal "$status" 64
	assert_line --index 0 --partial "funclatency: invalid PID 'notapid'"
	run "$BIN" "$TARGET:no_such_function"
	assert_equal "$status" 1
	assert_output "funclatency: no function no_such_function() in $TARGET (check: nm -D $TARGET; nm $TARGET)"
	run_as_nobody "$BIN" "$TARGET:nap"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGINT detaches: programs and uprobes gone, the target runs untraced" {
	start "$TARGET:nap"
	run "$BPFTOOL" perf
	assert_output --regexp "uprobe +filename $TARGET"
	assert_output --regexp "uretprobe +filename $TARGET"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name func_entry)\$($BPFTOOL prog show name func_exit)\" ]" ||
		fail "func_entry/func_exit still loaded"
	run "$BPFTOOL" perf
	refute_output --partial "$TARGET"
	run "$TARGET" 1 1
	assert_success
}

@test "README: the Run it commands work as written" {
	readme_run 5
	grep -qE '^avg = [0-9]+ usecs, total: [0-9]+ usecs, count: 5$' "$T/readme-2.out" ||
		fail "not the 5 nap()s: $(cat "$T/readme-2.out")"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
