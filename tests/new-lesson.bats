#!/usr/bin/env bats
# tools/new-lesson: it makes a lesson that builds and runs, in a throw-away
# copy of the workspace (nothing is generated in lessons/), and it refuses
# bad names and directories that exist.
load lib

setup() {
	[ "$(id -u)" -eq 0 ] || skip "the generated lesson loads BPF programs: run as root"
	# A minimal checkout: what a lesson's Makefile and tests reach for.
	REPO=$BATS_TEST_TMPDIR/repo
	mkdir -p "$REPO/lessons" "$REPO/tools" "$REPO/tests"
	cp -a "$ROOT/common" "$REPO/"
	# Reuse the built helper library (same sources, same mtimes): make
	# then only builds the new lesson.
	if [ -d "$ROOT/build/common" ]; then
		mkdir -p "$REPO/build"
		cp -a "$ROOT/build/common" "$ROOT/build/.deps-ok" "$REPO/build/" 2>/dev/null || true
	fi
	ln -s "$ROOT/vmlinux" "$REPO/vmlinux"
	cp "$ROOT/tools/deps" "$REPO/tools/"
	cp "$ROOT/tests/lib.bash" "$ROOT/tests/bpf-ours" "$REPO/tests/"
	NEW=$ROOT/tools/new-lesson
}

@test "creates a lesson that builds, runs and has no trace of bootstrap left" {
	skip_if_sanitize "a new lesson in a fresh copy builds the usual way (build/)"
	run "$NEW" --dir "$REPO/lessons" 42-my-tool
	assert_success
	local d=$REPO/lessons/42-my-tool
	for f in Makefile README.md lesson.conf test.bats my_tool.h my_tool.bpf.c my_tool.c; do
		assert_file_exists "$d/$f"
	done
	run grep -rli bootstrap "$d"
	assert_output ""
	run grep -x 'APPS := my_tool' "$d/Makefile"
	assert_success
	run grep -c 'my_tool_bpf__' "$d/my_tool.c"
	assert [ "$output" -ge 4 ]

	run make -C "$d"
	assert_success
	assert_file_executable "$REPO/build/42-my-tool/my_tool"
	assert_file_exists "$REPO/build/42-my-tool/my_tool.skel.h"
	# Nothing of it landed in the real workspace.
	assert_not_exist "$ROOT/build/42-my-tool"
	assert_not_exist "$ROOT/lessons/42-my-tool"

	run "$REPO/build/42-my-tool/my_tool" -h
	assert_success
	assert_output --partial "Usage: my_tool"
	run "$REPO/build/42-my-tool/my_tool" -m soon
	assert_failure
	assert_line --index 0 "my_tool: invalid minimum duration 'soon': want a whole number from 0 to 2147483647"
	# It loads, attaches, prints its header and stops by itself.
	run "$REPO/build/42-my-tool/my_tool" -d 1
	assert_success
	assert_line --index 1 --regexp '^TIME +EVENT +COMM +PID +PPID'
}

@test "the generated lesson's own tests pass" {
	skip_if_sanitize "a new lesson in a fresh copy builds the usual way (build/)"
	"$NEW" --dir "$REPO/lessons" 43-copycat >/dev/null
	make -C "$REPO/lessons/43-copycat" >/dev/null
	run bats "$REPO/lessons/43-copycat/test.bats"
	assert_success
	refute_output --partial "not ok"
}

@test "refuses bad names" {
	local bad
	for bad in tool 4-tool 042-tool 42_tool 42-Tool 42- 42-1tool 42-my--tool 42-tool- \
		"42-my tool" 42-tool/x ../42-tool; do
		run "$NEW" --dir "$REPO/lessons" "$bad"
		assert_failure
		assert_output --partial "new-lesson: bad name '$bad'"
	done
	run ls -A "$REPO/lessons"
	assert_output ""
}

@test "refuses a directory that exists and a number in use, changes nothing" {
	mkdir "$REPO/lessons/42-taken"
	touch "$REPO/lessons/42-taken/keep"
	run "$NEW" --dir "$REPO/lessons" 42-taken
	assert_failure
	assert_output "new-lesson: '$REPO/lessons/42-taken' already exists"
	run "$NEW" --dir "$REPO/lessons" 42-other
	assert_failure
	assert_output "new-lesson: lesson number 42 is taken by 42-taken"
	run ls -A "$REPO/lessons" "$REPO/lessons/42-taken"
	assert_output "$REPO/lessons:
42-taken

$REPO/lessons/42-taken:
keep"
}

@test "refuses a --dir that is not a lessons/ directory, and no arguments" {
	run "$NEW" --dir "$BATS_TEST_TMPDIR" 42-tool
	assert_failure
	assert_output --partial "is not a lessons/ directory of a checkout"
	run "$NEW"
	assert_failure
	assert_output --partial "usage: tools/new-lesson"
	run "$NEW" --help
	assert_success
	assert_output --partial "tools/new-lesson [--dir LESSONS_DIR] NN-name"
}
