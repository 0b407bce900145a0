#!/usr/bin/env bats
# Exercise 05 (README "Exercise"): target_tgid in its own .rodata.config,
# checked with bpftool and kill() calls of a process we drive.
load ../../tests/lib

BIN=$OUT/section_naming
K=5

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_target: a shell held until `release target`, then calls kill(2)
# K times with signal 0 and once with SIGWINCH (ignored), then exits.
start_target() {
	# shellcheck disable=SC2016 # the gated shell expands these
	gated target 'for ((i = 0; i < $1; i++)); do kill -0 $$; done
		kill -s WINCH $$' "$K"
	TARGET=$GATED_PID
}

# our_map NAME: id of the map NAME used by our count_kill program.
our_map() {
	local id
	for id in $("$BPFTOOL" prog show name count_kill | sed -n 's/.*map_ids //p' | tr , ' '); do
		if "$BPFTOOL" map show id "$id" | grep -q "name $1 "; then
			echo "$id"
		fi
	done
}

@test "a map named .rodata.config holds target_tgid (set by -p), read-only and frozen" {
	start_target
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -p "$TARGET"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^KILL_CALLS' 3
	local id
	id=$(our_map .rodata.config)
	[ -n "$id" ] || fail "count_kill uses no map named .rodata.config"
	run "$BPFTOOL" map show id "$id"
	assert_output --partial "flags 0x480" # BPF_F_RDONLY_PROG | BPF_F_MMAPABLE
	assert_output --partial "frozen"
	run "$BPFTOOL" map dump id "$id"
	assert_output --regexp "\"target_tgid\": $TARGET"
	stop_bg "$BG_PID" INT
}

@test "-p still filters: exactly the target's K+1 kill() calls are counted, not another process's" {
	# shellcheck disable=SC2016 # the noise shell expands $$
	bash -c 'while :; do kill -0 $$; sleep 0.01; done' 3>&- &
	_BG_PIDS+=("$!")
	start_target
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" -p "$TARGET"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^KILL_CALLS' 3
	release -w target
	wait_for_line "$BATS_TEST_TMPDIR/out" "^$((K + 1)) +[0-9]+ +28$" 3
	stop_bg_output "$BATS_TEST_TMPDIR/out"
	assert_equal "$(grep '^Final: ' <<<"$output" | awk '{ print $2, $4 }')" "$((K + 1)) 28"
}
