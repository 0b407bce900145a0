#!/usr/bin/env bats
# Lesson 42: RTT samples for connections made by a process the test moves
# into the loader's cgroup, none for one outside it (no kprobes needed: this
# runs on the host); the cgroup's lifetime checked on disk; RTT against a
# netem delay in the VM.
load ../../tests/lib
load ../../tests/tcp
load ../../tests/cgroup

BIN=$OUT/tcprtt_sockops
PORT=47161
CGMNT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
_CGROUPS=()

setup() {
	lesson_setup
	# Parametrised probes (featprobe's prog_type:/map_type: names).
	require_feature prog_type:sock_ops map_type:sk_storage
	[ -n "$CGMNT" ] || fail "no cgroup2 mount in /proc/self/mounts"
	netns_setup
	T=$BATS_TEST_TMPDIR
}

# Whatever happened, no cgroup of ours stays: members go back to the root.
teardown() {
	local cg pid
	lesson_teardown
	for cg in "${_CGROUPS[@]}"; do
		[ -d "$cg" ] || continue
		while read -r pid; do echo "$pid" >"$CGMNT/cgroup.procs"; done <"$cg/cgroup.procs"
		rmdir "$cg"
	done
}

# start ARGS...: the loader; sets CG to the cgroup it attached to.
start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^SRC ADDR +PORT +-> +DEST ADDR +PORT +RTT\(ms\)$'
	CG=$(sed -n 's/^Attached sockops_rtt to cgroup \(.*\) (.*)\. Ctrl-C to stop\.$/\1/p' "$T/out")
	_CGROUPS+=("$CG")
	[ -d "$CG" ] || fail "cgroup '$CG' does not exist"
}

stop() { stop_bg_output "$T/out"; }

# in_and_out: client "in" (source port 47162) moved into $CG before it
# connects, client "out" (47164) left where it is; both send 200 kB.
in_and_out() {
	tcp_serve "$T/srv" "$PORT" --count 2
	gated_connect in "$PORT" --sport 47162 --send 200000
	echo "$GATED_PID" >"$CG/cgroup.procs"
	grep -qx "$GATED_PID" "$CG/cgroup.procs"
	release -w in
	assert_equal "$STATUS" 0
	gated_connect out "$PORT" --sport 47164 --send 200000
	release -w out
	assert_equal "$STATUS" 0
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 47164 200000$"
	wait_for_line "$T/out" "^10\.11\.0\.2 +47162 +-> +10\.11\.0\.1 +$PORT +[0-9]+\.[0-9]{3}$"
	stop
	# Every sample is the "in" client's socket: not "out", not the server
	# (in the root cgroup), not any other process on this machine.
	run awk 'NR > 2 && !/^10\.11\.0\.2 +47162 +-> +10\.11\.0\.1 +'"$PORT"' +[0-9.]+$/' "$T/out"
	assert_output ""
}

@test "RTT samples for the connection of a process in the cgroup, none for one outside" {
	start
	assert_equal "$(head -1 "$T/out")" "Attached sockops_rtt to cgroup $CG (created, removed at exit). Ctrl-C to stop."
	run cgroup_progs "$CG"
	assert_output "cgroup_sock_ops sockops_rtt"
	in_and_out
}

@test "-c PATH: attaches to the given cgroup and leaves it in place" {
	local mine=$CGMNT/lsn-test42.$$
	_CGROUPS+=("$mine")
	mkdir "$mine"
	start -c "$mine"
	assert_equal "$CG" "$mine"
	assert_equal "$(head -1 "$T/out")" "Attached sockops_rtt to cgroup $mine (given). Ctrl-C to stop."
	in_and_out
	assert [ -d "$mine" ]
	assert_equal "$(cgroup_progs "$mine")" ""
}

@test "netem delay 20ms: every RTT sample of the client >= 20 ms and < 1 s" {
	require_qdisc netem delay 1ms
	netem_delay 20
	start
	in_and_out
	run awk 'NR > 2 && !($6 >= 20 && $6 < 1000)' "$T/out"
	assert_output ""
}

@test "SIGINT/SIGTERM: program detached, the created cgroup removed, its member moved out alive" {
	local sig
	for sig in INT TERM; do
		start
		gated "sleeper$sig" 'exec sleep 30'
		echo "$GATED_PID" >"$CG/cgroup.procs"
		run "$BPFTOOL" prog show name sockops_rtt
		assert_output --partial sock_ops
		stop_bg "$BG_PID" "$sig"
		assert_equal "$STATUS" 0
		assert [ ! -e "$CG" ]
		kill -0 "$GATED_PID"
		assert_equal "$(sed -n "s/^0:://p" "/proc/$GATED_PID/cgroup")" "/"
		wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name sockops_rtt)\" ]" ||
			fail "sockops_rtt still loaded after SIG$sig"
	done
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -c /tmp
	assert_equal "$status" 64
	assert_line --index 0 "tcprtt_sockops: invalid cgroup '/tmp': not a directory in a cgroup v2 mount"
	run "$BIN" -c /nonexistent
	assert_equal "$status" 64
	run "$BIN" --bogus
	assert_equal "$status" 64
	run_as_nobody "$BIN"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "README: every command of 'Run it' works as written" {
	local cmds
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 2
	cd "$ROOT"
	readme_try "${cmds[0]}" "(created, removed at exit)"
	readme_try "${cmds[1]}" "cgroup $CGMNT (given)"
	# What the loader created is gone again.
	run find "$CGMNT" -maxdepth 1 -name 'lesson-tcprtt-sockops.*'
	assert_output ""
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
