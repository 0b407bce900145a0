#!/usr/bin/env bats
# Lesson 39: a process the test moves into the cgroup sends N pings: the
# count is exactly N (its echo requests; the replies are ingress); pings from
# outside the cgroup are not counted.  The cgroup is created and removed.
load ../../tests/lib
load ../../tests/cgroup

BIN=$OUT/cgroup_skb

setup() {
	lesson_setup
	cgroup_setup lsn39
	netns_setup
}

teardown() { cgroup_teardown; }

start_counter() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^Counting egress packets of cgroup '
}

tx_packets() {
	ip -n "$NS-peer" -s link show dev veth1 | awk '/TX:/ { getline; print $2; exit }'
}

@test "N pings from a process in the cgroup count N; pings from outside do not" {
	local tx0 tx
	tx0=$(tx_packets)
	start_counter -c "$CG"
	assert_equal "$(head -1 "$OUTF")" "Counting egress packets of cgroup $CG (new). Ctrl-C to stop."
	gated pinger "exec ${IN_PEER[*]} ping -q -n -c 5 -i 0.2 -W 1 10.11.0.1"
	echo "$GATED_PID" >"$CG/cgroup.procs"
	# Traffic from this shell, outside the cgroup, first.
	run "$ROOT/tools/testenv" ping "$NS" 3
	assert_success
	release -w pinger
	assert_equal "$STATUS" 0
	tx=$(($(tx_packets) - tx0))
	assert_equal "$tx" 8
	# A tick printed after the pinger exited holds the final count.
	local t
	t=$(count_lines "$OUTF" '^number of packets:')
	wait_for_count "$OUTF" '^number of packets:' $((t + 1))
	stop_bg_output "$OUTF"
	assert_equal "${lines[-1]}" "number of packets: 5"
	refute_line --regexp '^number of packets: ([6-9]|[1-9][0-9])'
	# The cgroup it created is gone.
	assert [ ! -e "$CG" ]
}

@test "an existing cgroup is used and left in place" {
	mkdir "$CG"
	start_counter -c "$CG"
	assert_equal "$(head -1 "$OUTF")" "Counting egress packets of cgroup $CG (existing). Ctrl-C to stop."
	run cgroup_progs "$CG"
	assert_output "cgroup_inet_egress count_egress_packets"
	stop_bg_output "$OUTF"
	assert [ -d "$CG" ]
	run cgroup_progs "$CG"
	assert_output ""
}

@test "bad input: unknown option, empty path, not a cgroup, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -c ""
	assert_bad_input "cgroup_skb: invalid cgroup '': want a path"
	run "$BIN" -c "$BATS_TEST_TMPDIR"
	assert_equal "$status" 1
	assert_output "cgroup_skb: $BATS_TEST_TMPDIR is not a cgroup v2 directory"
	run "$BIN" -c /nonexistent/cg
	assert_equal "$status" 1
	assert_line --index 0 "cgroup_skb: creating cgroup /nonexistent/cg: No such file or directory"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -c "$CG"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
	assert [ ! -e "$CG" ]
}

detach_after() {
	start_counter -c "$CG"
	run cgroup_progs "$CG"
	assert_output "cgroup_inet_egress count_egress_packets"
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	assert [ ! -e "$CG" ]
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name count_egress_pa)\" ]" ||
		fail "count_egress_packets still loaded after SIG$1"
}

@test "SIGINT detaches and removes the cgroup" {
	detach_after INT
}

@test "SIGTERM detaches and removes the cgroup" {
	detach_after TERM
}

@test "README: the commands of 'Run it'" {
	CG=$CG2/cgroup_skb-lesson
	[ ! -e "$CG" ] || skip "$CG exists: someone is running the lesson"
	readme_run 8
	run cat "$BATS_TEST_TMPDIR/readme-1.out"
	assert_line "Counting egress packets of cgroup $CG (new). Ctrl-C to stop."
	assert_equal "$(grep -c '^number of packets: 0$' <<<"$output")" 2
	# Stopped after the ping.  On lo the replies go out too, but from the
	# kernel's own ICMP socket, which is not in the cgroup: only the 2
	# requests count.
	assert_equal "$(tail -1 "$BATS_TEST_TMPDIR/readme-2.out")" "number of packets: 2"
	assert [ ! -e "$CG" ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
