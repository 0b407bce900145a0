#!/usr/bin/env bats
# Exercise 09 (README "Exercise"): the tracepoint path skips rm -d's
# directory removals, entry and exit alike, pairing exits with entries in a
# hash map; checked with files and directories we create, removed by
# processes whose PIDs we know.
load ../../tests/lib

BIN=$OUT/kprobe_unlink

setup() {
	lesson_setup
	require_feature tracepoint
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^EVENT +PID +COMM +DETAIL$' 5
}

# events PID: that PID's lines, reduced to "ENTRY name" / "EXIT ret".
events() {
	awk -v pid="$1" '($1 == "ENTRY" || $1 == "EXIT") && $2 == pid {
		sub(/^(filename|ret)=/, "", $4); print $1, $3, $4 }' <<<"$output"
}

@test "a HASH map named 'entered', keyed by the 8-byte pid_tgid, is loaded (--mode tracepoint)" {
	start -m tracepoint
	run "$BPFTOOL" -j map show name entered
	assert_success
	assert_equal "$(jq -r '[.type, .bytes_key] | join(" ")' <<<"$output")" "hash 8"
	stop_bg "$BG_PID" INT
}

@test "--mode tracepoint: rm -d reports its file unlink, ENTRY and EXIT, and nothing for the directory" {
	mkdir "$T/dir"
	touch "$T/a"
	start -m tracepoint
	# shellcheck disable=SC2016 # the gated shell expands "$@"
	gated rm 'exec rm -d "$@"' "$T/dir" "$T/a"
	release -w rm
	assert_equal "$STATUS" 0
	assert_not_exist "$T/dir"
	assert_not_exist "$T/a"
	wait_for_line "$T/out" "^EXIT +$GATED_PID +rm +ret=0$" 3
	stop_bg_output "$T/out"
	assert_equal "$(events "$GATED_PID")" "ENTRY rm $T/a
EXIT rm 0"
}
