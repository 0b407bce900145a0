#!/usr/bin/env bats
# Exercise 34 (README "Exercise"): --by-comm, a HASH map exec_by_comm keyed
# by the caller's comm, and the top five at exit.  Checked with copies of
# bash under names we choose, making exactly N execve() calls each.
load ../../tests/lib

BIN=$OUT/kprobe_counter

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	cp /bin/bash "$T/execloop"
	cp /bin/bash "$T/execpair"
}
teardown() { lesson_teardown; }

# execs NAME N: exactly N execve() calls by processes named NAME.
execs() {
	"$T/$1" -c "for ((i = 0; i < $2; i++)); do /bin/true; done" 3>&-
}

# comm_count NAME: the value bpftool shows for key NAME in exec_by_comm.
comm_count() {
	"$BPFTOOL" -j map dump name exec_by_comm |
		jq -r --arg c "$1" '.[] | select(.formatted.key == $c) | .formatted.value'
}

# by_comm_option: fail fast where --by-comm does not exist yet.
by_comm_option() {
	"$BIN" --by-comm --help >/dev/null 2>&1 || fail "no --by-comm option"
}

@test "--by-comm is an option, and it counts in a HASH map named exec_by_comm" {
	run "$BIN" --by-comm --help
	assert_success
	assert_output --partial "--by-comm"
	start_bg "$T/out" "$BIN" --by-comm
	wait_for_line "$T/out" '^execve calls: '
	run "$BPFTOOL" map show name exec_by_comm
	assert_output --regexp '^[0-9]+: hash +name exec_by_comm +flags'
	assert_output --partial "key 16B  value 8B"
}

@test "--by-comm: bpftool finds each name's exact count (25 and 7) in exec_by_comm" {
	by_comm_option
	start_bg "$T/out" "$BIN" --by-comm
	wait_for_line "$T/out" '^execve calls: '
	execs execloop 25
	execs execpair 7
	assert_equal "$(comm_count execloop)" 25
	assert_equal "$(comm_count execpair)" 7
	stop_bg_output "$T/out"
}

@test "--by-comm -c execloop: at exit a COMM/EXECVE table with execloop and 25" {
	by_comm_option
	start_bg "$T/out" "$BIN" --by-comm -c execloop
	wait_for_line "$T/out" '^execve calls: '
	execs execloop 25
	stop_bg_output "$T/out"
	assert_line --regexp '^COMM +EXECVE$'
	assert_line --regexp '^execloop +25$'
	# Only the filtered name was counted.
	assert_equal "$(sed -n '/^COMM /,$p' <<<"$output" | wc -l)" 2
}
