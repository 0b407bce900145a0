#!/usr/bin/env bats
# Bad input to every built loader, from one table (tests/badinput-table,
# derived from each loader's --help): a lesson added later is covered by
# construction.  Each test walks the whole table and fails with the list of
# lessons that broke the convention (common/helpers.h, lesson_arg_*):
#   bad value -> exit 64, first stderr line "NAME: invalid ...";
#   unknown option / missing value / stray argument -> exit 64, "NAME: ...";
#   -h -> 0 with Usage; not root -> 1, one line "... must run as root ...";
#   never a crash (status >= 128), nothing left loaded.
# Every row runs once, in setup_file, several at a time (xargs -P): the
# tests judge the recorded exit status and output.
# tests/badenv.bats covers a broken environment (tracefs, bpffs, BTF).
load lib
load hardening
bats_require_minimum_version 1.5.0

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	local rows=$BATS_FILE_TMPDIR/rows
	"$ROOT/tests/badinput-table" >"$BATS_FILE_TMPDIR/table" 2>"$BATS_FILE_TMPDIR/skipped"
	orphans_snapshot "$BATS_FILE_TMPDIR/before"
	cp "$BATS_FILE_TMPDIR/table" "$rows"
	nobody_rows "$BATS_FILE_TMPDIR/table" >>"$rows"
	run_table "$rows" "$BATS_FILE_TMPDIR/results"
}

teardown_file() {
	[ ! -s "$BATS_FILE_TMPDIR/nobody-dirs" ] || xargs rm -rf <"$BATS_FILE_TMPDIR/nobody-dirs"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "the not-root cases need root to drop it"
	[ -s "$BATS_FILE_TMPDIR/table" ] || fail "tests/badinput-table found no built loader"
	PROBLEMS=()
}

problem() { PROBLEMS+=("$*"); }

# report: fail with every problem found, one per line, by lesson.
report() {
	[ ${#PROBLEMS[@]} -eq 0 ] && return 0
	fail "$(printf '%s\n' "${PROBLEMS[@]}" | sort)"
}

# nobody_rows TABLE: a "nobody" row per loader (not for a lesson whose
# lesson.conf says nonroot=allowed: lesson 06 probes and reports EPERM
# verdicts by design): a world-readable copy run as nobody with what a
# learner types (lesson_sample_args, paths beside the loader moved to the
# copy: the workspace may be unreadable to nobody) and -d 1.
nobody_rows() {
	local lesson bin copy args seen=" "
	while IFS=$'\t' read -r lesson bin _; do
		[[ $seen == *" $bin "* ]] && continue
		seen+="$bin "
		[ "$(lesson_key "$lesson" nonroot)" = allowed ] && continue
		copy=$(nobody_copy "$bin")
		dirname "$copy" >>"$BATS_FILE_TMPDIR/nobody-dirs"
		# files beside the loader (test targets) are named by their copies
		args=$(lesson_sample_args "$lesson")
		args=${args//"$(dirname "$bin")/"/"$(dirname "$copy")/"}
		printf '%s\t%s\t%s\t%s\n' "$lesson" "$copy" nobody "${args}-d 1"
	done <"$1"
}

# _run_row "N<TAB>ROW": run one row (bounded: a loader that accepted a bad
# value runs until -d 1 ends it; one that hangs is killed after 20 s) into
# $RUN_DIR/N.out, N.err, N.rc.  "nobody" rows run as uid/gid 65534.
_run_row() {
	local n lesson bin expect argv
	local -a a pre=()
	IFS=$'\t' read -r n lesson bin expect argv <<<"$1"
	eval "a=($argv)"
	[ "$expect" != nobody ] || pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	timeout -s KILL 20 "${pre[@]}" "$bin" "${a[@]}" </dev/null \
		>"$RUN_DIR/$n.out" 2>"$RUN_DIR/$n.err"
	echo $? >"$RUN_DIR/$n.rc"
}

# run_table ROWS DIR: every row once, four at a time.
run_table() {
	mkdir -p "$2"
	export -f _run_row
	awk '{ print NR "\t" $0 }' "$1" |
		RUN_DIR=$2 xargs -d '\n' -n 1 -P 4 bash -c '_run_row "$1"' _
}

# check_rows EXPECT [ROWS DIR]: judge every row with that expectation from
# what run_table recorded.
check_rows() {
	local want=$1 rows=${2:-$BATS_FILE_TMPDIR/rows} dir=${3:-$BATS_FILE_TMPDIR/results}
	local n=0 lesson bin expect argv name first status line
	local -a err
	while IFS=$'\t' read -r lesson bin expect argv; do
		n=$((n + 1))
		[ "$expect" = "$want" ] || continue
		name=${bin##*/}
		[ -e "$dir/$n.rc" ] || {
			problem "$lesson: $name $argv: did not run"
			continue
		}
		read -r status <"$dir/$n.rc"
		err=()
		[ ! -s "$dir/$n.err" ] || mapfile -t err <"$dir/$n.err"
		first=${err[0]:-}
		if [ "$status" -ge 128 ]; then
			problem "$lesson: $name $argv: killed by signal $((status - 128)) (crash or hang)"
			continue
		fi
		case $expect in
		help)
			[ "$status" -eq 0 ] || problem "$lesson: $name $argv: exit $status, want 0"
			read -r line <"$dir/$n.out" || true
			[[ $line == "Usage: $name "* ]] ||
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
		nobody)
			if [ "$status" -eq 64 ]; then
				# Parsing comes first: these arguments are not enough.
				problem "$lesson: $name $argv as nobody: exit 64 ($first): give sample_args= in lesson.conf"
			elif [ "$status" -ne 1 ]; then
				problem "$lesson: $name as nobody: exit $status, want 1 (stderr: $first)"
			elif [ ${#err[@]} -ne 1 ] || [[ $first != *"must run as root"* ]]; then
				problem "$lesson: $name as nobody: want one 'must run as root' line, got: $(paste -sd'|' "$dir/$n.err")"
			fi
			;;
		esac
	done <"$rows"
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
	check_rows nobody
	report
}

@test "nothing a run loaded is left behind" {
	assert_no_new_orphans "$BATS_FILE_TMPDIR/before"
}

@test "the table covers every lesson with a Makefile, from its --help" {
	local d lesson bin expect argv
	local -A help usage d0
	# setup_file's table, for all lessons at once; one pass over it.
	while IFS=$'\t' read -r lesson bin expect argv; do
		case "$expect $argv" in
		"help -h") help[$lesson]=1 ;;
		usage\ -[A-Za-z]) usage[$lesson]=1 ;;
		"invalid -d 0") d0[$lesson]=1 ;;
		esac
	done <"$BATS_FILE_TMPDIR/table"
	for d in "$ROOT"/lessons/[0-9][0-9]-*/; do
		[ -e "$d/Makefile" ] || continue
		lesson=$(basename "$d")
		# Not built yet (another lesson in progress): listed, not judged.
		if grep -q "^badinput-table: $lesson: " "$BATS_FILE_TMPDIR/skipped"; then
			echo "# $(grep "^badinput-table: $lesson: " "$BATS_FILE_TMPDIR/skipped")" >&3
			continue
		fi
		# Every loader: -h, an unknown option, -d's cases (from common).
		[ -n "${help[$lesson]:-}" ] || problem "$lesson: no -h row"
		[ -n "${usage[$lesson]:-}" ] || problem "$lesson: no unknown-option row"
		[ -n "${d0[$lesson]:-}" ] || problem "$lesson: no '-d 0' row"
	done
	# Derived from --help, not hand-written: lesson 00's -i IFACE gets the
	# interface cases, lesson 16's INTERVAL argument a garbage one.
	grep -q "	invalid	-d 1 -i aaaaaaaaaaaaaaaaaaaaaa$" "$BATS_FILE_TMPDIR/table" ||
		problem "00-xdp-counter: no overlong-interface row"
	grep -q "runqlat	invalid	-d 1 abc$" "$BATS_FILE_TMPDIR/table" || problem "16-runqlat: no INTERVAL row"
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
	run_table "$dir/table" "$dir/results"
	check_rows usage "$dir/table" "$dir/results"
	check_rows invalid "$dir/table" "$dir/results"
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
