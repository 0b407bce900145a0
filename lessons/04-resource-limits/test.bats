#!/usr/bin/env bats
# Lesson 04: the accounting probe against bpftool and the kernel; maps under
# a tiny RLIMIT_MEMLOCK, checked with /proc/PID/limits and bpftool.
load ../../tests/lib

BIN=$OUT/resource_limits
PIN=/sys/fs/bpf/04-resource-limits

setup() { lesson_setup; }
teardown() {
	rm -rf "$PIN"
	lesson_teardown
}

# no_raise CMD...: run CMD with RLIMIT_MEMLOCK 0 and no way to raise it
# (no CAP_SYS_RESOURCE), so no libbpf inside it can bump the limit.
no_raise() {
	prlimit --memlock=0:0 setpriv --bounding-set=-sys_resource --inh-caps=-sys_resource "$@"
}

# oracle_verdict: memcg or rlimit, by bpftool creating a map under no_raise.
oracle_verdict() {
	mkdir -p "$PIN"
	if no_raise "$BPFTOOL" map create "$PIN/probe" type array key 4 value 8 entries 1 \
		name rl_probe >/dev/null 2>&1; then
		echo memcg
	else
		echo rlimit
	fi
	rm -f "$PIN/probe"
}

# start_holding ARGS...: run the loader until it holds its maps.
start_holding() {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Holding the maps'
	output=$(cat "$BATS_TEST_TMPDIR/out")
	mapfile -t lines <"$BATS_TEST_TMPDIR/out"
}

@test "the probe's verdict matches bpftool under RLIMIT_MEMLOCK=0 and the kernel version" {
	local want
	want=$(oracle_verdict)
	run "$BIN" -d 1
	assert_success
	assert_line --regexp "^Verdict: $want: "
	# The switch came with Linux 5.11.
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	if [ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 11 ]; }; then
		assert_equal "$want" memcg
	else
		assert_equal "$want" rlimit
	fi
}

@test "the current limit is read, and the probe in a child does not change ours" {
	run prlimit --memlock=12345:99999 "$BIN" -d 1
	assert_success
	assert_line --index 0 "RLIMIT_MEMLOCK now: 12345 bytes (hard 99999)"
}

@test "maps far above a 4096-byte RLIMIT_MEMLOCK: created, and the limit stays 4096" {
	[ "$(oracle_verdict)" = memcg ] || skip "kernel charges RLIMIT_MEMLOCK: see the next test"
	start_holding -l 4096
	assert_line "RLIMIT_MEMLOCK after load: 4096 bytes (hard 4096)"
	# The kernel's own view of the limit while the maps exist.
	run grep '^Max locked memory' "/proc/$BG_PID/limits"
	assert_output --regexp '^Max locked memory +4096 +4096 +bytes'
	# Each map's charge, as bpftool reports it, is what we printed, and > limit.
	local name id mem total=0
	for name in rl_big rl_hash; do
		read -r id mem < <(awk -v n="$name" '$1 == n { print $3, $4 }' "$BATS_TEST_TMPDIR/out")
		run "$BPFTOOL" map show id "$id"
		assert_output --regexp "name $name .*memlock ${mem}B"
		total=$((total + mem))
	done
	assert [ "$total" -gt $((256 * 4096)) ]
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "with libbpf's bump switched off (-m 0) the same load fails only under rlimit accounting" {
	if [ "$(oracle_verdict)" = memcg ]; then
		start_holding -l 4096 -m 0
		assert_line "RLIMIT_MEMLOCK after load: 4096 bytes (hard 4096)"
		stop_bg "$BG_PID" INT
		assert_equal "$STATUS" 0
	else
		run "$BIN" -l 4096 -m 0
		assert_failure
		assert_output --partial "Operation not permitted"
	fi
}

@test "libbpf leaves RLIMIT_MEMLOCK alone here even when told what to raise it to" {
	[ "$(oracle_verdict)" = memcg ] || skip "kernel charges RLIMIT_MEMLOCK"
	start_holding -l 8192 -m 1048576
	assert_line --regexp "^libbpf's own check: bpf_ktime_get_coarse_ns exists"
	run grep '^Max locked memory' "/proc/$BG_PID/limits"
	assert_output --regexp '^Max locked memory +8192 +8192 +bytes'
	stop_bg "$BG_PID" INT
}

@test "bad input and not root" {
	# Above the hard limit, without CAP_SYS_RESOURCE to raise it.
	run prlimit --memlock=1000:2000 setpriv --bounding-set=-sys_resource \
		--inh-caps=-sys_resource "$BIN" -l 4096
	assert_failure
	assert_line "resource_limits: cannot set RLIMIT_MEMLOCK to 4096: Operation not permitted (hard limit 2000)"
	run "$BIN" -l abc
	assert_bad_input "resource_limits: invalid byte count 'abc': want a whole number from 0 to 9223372036854775807"
	run "$BIN" -m -1
	assert_bad_input "resource_limits: invalid byte count '-1': out of range 0..9223372036854775807"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "the maps are freed when the loader exits" {
	start_holding
	local id
	id=$(awk '$1 == "rl_big" { print $3 }' "$BATS_TEST_TMPDIR/out")
	run "$BPFTOOL" map show id "$id"
	assert_success
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "! $BPFTOOL map show id $id >/dev/null 2>&1" ||
		fail "map $id still exists"
}

@test "README: every Run it command works as written" {
	# Its -m 0 run shows 5.11+; before, that load fails by design (test 4).
	[ "$(oracle_verdict)" = memcg ] ||
		skip "kernel lacks memcg accounting of BPF memory (5.11+): the README's -m 0 run must fail here"
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
