#!/usr/bin/env bats
# Exercise 42 (README "Exercise"): -s, the program also asks for
# BPF_SOCK_OPS_STATE_CB and, when a socket reaches TCP_CLOSE, reports how
# many RTT samples it had (counted in its sk_storage value).  Checked with a
# client the test moves into the cgroup (one line when it closes, its count
# equal to the sample lines printed for it) and one left outside (nothing).
load ../../tests/lib
load ../../tests/tcp

BIN=$OUT/tcprtt_sockops
PORT=47161
CGMNT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
_CGROUPS=()

setup() {
	lesson_setup
	require_feature prog_type:sock_ops map_type:sk_storage
	[ -n "$CGMNT" ] || fail "no cgroup2 mount in /proc/self/mounts"
	netns_setup
	T=$BATS_TEST_TMPDIR
}

teardown() {
	local cg pid
	lesson_teardown
	for cg in "${_CGROUPS[@]}"; do
		[ -d "$cg" ] || continue
		while read -r pid; do echo "$pid" >"$CGMNT/cgroup.procs"; done <"$cg/cgroup.procs"
		rmdir "$cg"
	done
}

@test "-s and --summary are options" {
	run "$BIN" -s --help
	assert_success
	assert_output --partial "--summary"
}

@test "-s: one 'closed after N RTT samples' line for the client in the cgroup, N = its sample lines" {
	local n
	"$BIN" -s --help >/dev/null 2>&1 || fail "no -s option"
	start_bg "$T/out" "$BIN" -s
	wait_for_line "$T/out" '^SRC ADDR +PORT +-> +DEST ADDR +PORT +RTT\(ms\)$'
	CG=$(sed -n 's/^Attached sockops_rtt to cgroup \(.*\) (.*)\. Ctrl-C to stop\.$/\1/p' "$T/out")
	_CGROUPS+=("$CG")
	tcp_serve "$T/srv" "$PORT" --count 2
	gated_connect in "$PORT" --sport 47162 --send 200000
	echo "$GATED_PID" >"$CG/cgroup.procs"
	release -w in
	assert_equal "$STATUS" 0
	gated_connect out "$PORT" --sport 47164 --send 200000
	release -w out
	assert_equal "$STATUS" 0
	wait_for_line "$T/srv" "^served 10\.11\.0\.2 47164 200000$"
	wait_for_line "$T/out" "^10\.11\.0\.2 +47162 +-> +10\.11\.0\.1 +$PORT +closed after [0-9]+ RTT samples$" 5
	stop_bg_output "$T/out"
	assert_equal "$(grep -cE ' closed after ' "$T/out")" 1
	n=$(sed -nE 's/.* closed after ([0-9]+) RTT samples$/\1/p' "$T/out")
	assert [ "$n" -gt 0 ]
	assert_equal "$(grep -cE "^10\.11\.0\.2 +47162 +-> +10\.11\.0\.1 +$PORT +[0-9]+\.[0-9]{3}$" "$T/out")" "$n"
	refute_output --partial " 47164 "
}
