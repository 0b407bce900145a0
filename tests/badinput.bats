#!/usr/bin/env bats
# Bad input to every built loader, from one table (tests/badinput-table,
# derived from each loader's --help): a lesson added later is covered by
# construction.  Each test walks the whole table and fails with the list of
# lessons that broke the convention (common/helpers.h, lesson_arg_*):
#   bad value -> exit 64, first stderr line "NAME: invalid ...";
#   unknown option / missing value / stray argument -> exit 64, "NAME: ...";
#   -h -> 0 with Usage; not root -> 1, one line "... must run as root ...";
#   never a crash (status >= 128), nothing left loaded.
# tests/badinput-env.bats covers a broken environment (tracefs, bpffs, BTF).
load lib
load hardening
bats_require_minimum_version 1.5.0

setup_file() {
	"$ROOT/tests/badinput-table" >"$BATS_FILE_TMPDIR/table" 2>"$BATS_FILE_TMPDIR/skipped"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "the not-root cases need root to drop it"
	[ -s "$BATS_FILE_TMPDIR/table" ] || fail "tests/badinput-table found no built loader"
	PROBLEMS=()
	orphans_snapshot "$BATS_TEST_TMPDIR/before"
}

teardown() {
	[ ${#_NOBODY_DIRS[@]} -eq 0 ] || rm -rf "${_NOBODY_DIRS[@]}"
	# Whatever a wrongly accepted value loaded must be gone (bounded wait).
	assert_no_new_orphans "$BATS_TEST_TMPDIR/before"
}

problem() { PROBLEMS+=("$*"); }

# report: fail with every problem found, one per line, by lesson.
report() {
	[ ${#PROBLEMS[@]} -eq 0 ] && return 0
	fail "$(printf '%s\n' "${PROBLEMS[@]}" | sort)"
}

# run_row BIN ARGV: run one table row (bounded: a loader that accepted a bad
# value would run until -d 1 ends it; one that hangs is killed).
run_row() {
	local -a argv
	eval "argv=($2)"
	run --separate-stderr timeout -s KILL 20 "$1" "${argv[@]}"
}

# check_rows EXPECT [TABLE]: every table row with that expectation.
check_rows() {
	local want=$1 table=${2:-$BATS_FILE_TMPDIR/table} lesson bin expect argv name first
	while IFS=$'\t' read -r lesson bin expect argv; do
		[ "$expect" = "$want" ] || continue
		name=$(basename "$bin")
		run_row "$bin" "$argv"
		first=${stderr_lines[0]:-}
		if [ "$status" -ge 128 ]; then
			problem "$lesson: $name $argv: killed by signal $((status - 128)) (crash or hang)"
			continue
		fi
		case $expect in
		help)
			[ "$status" -eq 0 ] || problem "$lesson: $name $argv: exit $status, want 0"
			[[ $output == *"Usage: $name "* ]] ||
				problem "$lesson: $name $argv: no 'Usage: $name' on stdout"
			;;
		invalid | usage)
			[ "$status" -eq 64 ] ||
				problem "$lesson: $name $argv: exit $status, want 64 (stderr: $first)"
			if [ "$expect" = invalid ]; then
				[[ $first == "$name: invalid "* ]] ||
					problem "$lesson: $name $argv: first stderr line '$first', want '$name: invalid ...'"
			else
				# getopt names the program as invoked (a path here).
				[[ $first == "$name: "* || $first == */"$name: "* ]] ||
					problem "$lesson: $name $argv: first stderr line '$first', want '$name: ...'"
			fi
			;;
		esac
	done <"$table"
}

@test "every loader: -h and --help print Usage and exit 0" {
	check_rows help
	report
}

@test "every loader: unknown options, missing values, stray arguments exit 64" {
	check_rows usage
	report
}

@test "every loader: garbage values exit 64 with 'NAME: invalid ...' first" {
	check_rows invalid
	report
}

@test "every loader: not root exits 1 with one 'must run as root' line" {
	local lesson bin copy name seen=" " args
	local -a argv
	while IFS=$'\t' read -r lesson bin _; do
		[[ $seen == *" $bin "* ]] && continue
		seen+="$bin "
		name=$(basename "$bin")
		# Only a loader that by design runs unprivileged (lesson 06 probes
		# and reports EPERM verdicts) says so in its lesson.conf.
		[ "$(lesson_key "$lesson" nonroot)" = allowed ] && continue
		copy=$(nobody_copy "$bin")
		_NOBODY_DIRS+=("$(dirname "$copy")")
		# What a learner types: the lesson's `make run` arguments, or
		# sample_args= for a loader that needs more to get past parsing.
		args=$(lesson_key "$lesson" sample_args)
		[ -n "$args" ] || args=$(lesson_run_args "$lesson")
		read -ra argv <<<"$args"
		run --separate-stderr timeout -s KILL 20 \
			setpriv --reuid=65534 --regid=65534 --clear-groups "$copy" "${argv[@]}" -d 1
		if [ "$status" -ge 128 ]; then
			problem "$lesson: $name as nobody: killed by signal $((status - 128))"
		elif [ "$status" -eq 64 ]; then
			# Parsing comes first: these arguments are not enough.
			problem "$lesson: $name ${argv[*]} as nobody: exit 64 (${stderr_lines[0]:-}): give sample_args= in lesson.conf"
		elif [ "$status" -ne 1 ]; then
			problem "$lesson: $name as nobody: exit $status, want 1 (stderr: ${stderr_lines[0]:-})"
		elif [ ${#stderr_lines[@]} -ne 1 ] || [[ $stderr != *"must run as root"* ]]; then
			problem "$lesson: $name as nobody: want one 'must run as root' line, got: $(paste -sd'|' <<<"$stderr")"
		fi
	done <"$BATS_FILE_TMPDIR/table"
	report
}

@test "the table covers every lesson with a Makefile, from its --help" {
	local d lesson rows
	for d in "$ROOT"/lessons/[0-9][0-9]-*/; do
		[ -e "$d/Makefile" ] || continue
		lesson=$(basename "$d")
		rows=$("$ROOT/tests/badinput-table" "${d%/}" 2>"$BATS_TEST_TMPDIR/err") ||
			problem "$lesson: tests/badinput-table failed: $(cat "$BATS_TEST_TMPDIR/err")"
		if [ -s "$BATS_TEST_TMPDIR/err" ]; then
			echo "# $(cat "$BATS_TEST_TMPDIR/err")" >&3
			continue
		fi
		# Every loader: -h, an unknown option, -d's cases (from common).
		grep -q "	help	-h$" <<<"$rows" || problem "$lesson: no -h row"
		grep -q "	usage	-[A-Za-z]$" <<<"$rows" || problem "$lesson: no unknown-option row"
		grep -q "	invalid	-d 0$" <<<"$rows" || problem "$lesson: no '-d 0' row"
	done
	# Derived from --help, not hand-written: lesson 00's -i IFACE gets the
	# interface cases, lesson 16's INTERVAL argument a garbage one.
	rows=$("$ROOT/tests/badinput-table" "$ROOT/lessons/00-xdp-counter" "$ROOT/lessons/16-runqlat")
	grep -q "	invalid	-d 1 -i aaaaaaaaaaaaaaaaaaaaaa$" <<<"$rows" ||
		problem "00-xdp-counter: no overlong-interface row"
	grep -q "runqlat	invalid	-d 1 abc$" <<<"$rows" || problem "16-runqlat: no INTERVAL row"
	report
}

# A loader that breaks every rule: accepts anything, exits 0 on an unknown
# option, forgets its name.  The checks above must catch each of those.
@test "the checks catch a loader that breaks the convention" {
	local dir=$BATS_TEST_TMPDIR/ws
	mkdir -p "$dir/lessons/99-fake" "$dir/build/99-fake"
	printf 'APPS := fake\nprint-%%:\n\t@echo $($*)\n' >"$dir/lessons/99-fake/Makefile"
	cat >"$dir/build/99-fake/fake" <<-'EOF'
		#!/bin/sh
		case "$*" in
		-h | --help) printf 'Usage: fake [OPTION...]\n  -p, --pid=PID   x\n  -d, --duration=SECONDS   x\n' ;;
		-Z) exit 0 ;;
		-p) echo "oops: bad PID" >&2; exit 1 ;;
		"-d 0") kill -SEGV $$ ;;
		"-d 1 -p abc") exit 0 ;;
		*) echo "fake: invalid something" >&2; exit 64 ;;
		esac
	EOF
	chmod +x "$dir/build/99-fake/fake"
	BADINPUT_BUILD=$dir/build "$ROOT/tests/badinput-table" "$dir/lessons/99-fake" >"$dir/table"
	check_rows usage "$dir/table"
	check_rows invalid "$dir/table"
	printf '%s\n' "${PROBLEMS[@]}" >"$dir/problems"
	run cat "$dir/problems"
	assert_line "99-fake: fake -Z: exit 0, want 64 (stderr: )"
	assert_line --partial "99-fake: fake -d 0: killed by signal 11"
	assert_line "99-fake: fake -d 1 -p abc: exit 0, want 64 (stderr: )"
	assert_line "99-fake: fake -p: first stderr line 'oops: bad PID', want 'fake: ...'"
	# What it does right is not reported.
	refute_line --partial "fake -d abc"
	PROBLEMS=()
}
