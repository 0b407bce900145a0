# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Shared bats helpers.  A lesson's test.bats starts with:
#
#	load ../../tests/lib
#	setup() { lesson_setup; }
#	teardown() { lesson_teardown; }
#
# lesson_setup skips the test (with the probed reason) when this kernel lacks
# a feature the lesson's lesson.conf lists; lesson_teardown kills whatever
# the test started, deletes its test network and checks nothing BPF is left.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The build under test: build/, or with SANITIZE=1 (make test SANITIZE=1,
# tests/run) the ASan+UBSan one in build-san/ (common/lesson.mk).  There
# tests/run also makes build/ itself show build-san/ (a mount namespace of
# its own), for what a README names as build/NN-x/NAME.
BUILD=$ROOT/build
[ "${SANITIZE:-0}" != 1 ] || BUILD=$ROOT/build-san
FEATPROBE=${FEATPROBE:-$BUILD/common/featprobe}
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
BATS_LIB=${BATS_LIB:-/usr/lib/bats}
load "$BATS_LIB/bats-support/load"
load "$BATS_LIB/bats-assert/load"
load "$BATS_LIB/bats-file/load"

# Build products of the lesson this .bats file belongs to.
LESSON_DIR=${BATS_TEST_DIRNAME}
LESSON=$(basename "$LESSON_DIR")
OUT=$BUILD/$LESSON

_BG_PIDS=()
_NETNS=()

# lesson_conf KEY: a value from this lesson's lesson.conf.
lesson_conf() {
	sed -n "s/^$1=//p" "$LESSON_DIR/lesson.conf"
}

# _feature_verdict NAME: featprobe's exit code and line for NAME, probed once
# per bats run and cached; sets _FEAT_RC and _FEAT_WHY.
_feature_verdict() {
	local cache=$BATS_RUN_TMPDIR/features rc=0
	mkdir -p "$cache"
	if [ ! -e "$cache/$1.rc" ]; then
		"$FEATPROBE" "$1" >"$cache/$1" 2>&1 || rc=$?
		echo "$rc" >"$cache/$1.rc"
	fi
	_FEAT_WHY=$(cat "$cache/$1")
	_FEAT_RC=$(cat "$cache/$1.rc")
}

# _feature_conclusive NAME: 0 supported, 1 unsupported; for an inconclusive
# probe (exit 2), a crash or a missing featprobe it EXITS, failing the test
# with what the probe said, even inside an if (where a plain `fail` would
# read as "unsupported"), so a broken probe never hides a test.
_feature_conclusive() {
	_feature_verdict "$1"
	case $_FEAT_RC:$_FEAT_WHY in
	"0:$1: supported") return 0 ;;
	"1:$1: unsupported ("*")") return 1 ;;
	esac
	echo "feature probe $1 failed (featprobe exit $_FEAT_RC, expected 0 or 1): $_FEAT_WHY" >&2
	exit 1
}

# require_feature NAME...: skip unless the kernel supports each feature.
# Only featprobe's conclusive "no" (exit 1, "NAME: unsupported (why)") is a
# skip, with the probe's reason.
require_feature() {
	local f
	for f in "$@"; do
		_feature_conclusive "$f" || skip "kernel lacks $f: ${_FEAT_WHY#"$f": }"
	done
}

# has_feature NAME: for a test that checks one thing or another by kernel
# (`if has_feature perf_link; then ...`): true if supported, false if
# conclusively not; an inconclusive probe fails the test.
has_feature() {
	_feature_conclusive "$1"
}

# skip_if_sanitize WHY: skip a test about the usual build itself (static
# linking, cross builds, ...) in a SANITIZE=1 run, whose build differs on
# purpose (build-san/: ASan+UBSan, always dynamically linked).
skip_if_sanitize() {
	[ "${SANITIZE:-0}" != 1 ] || skip "SANITIZE=1: build-san/ is ASan+UBSan and dynamically linked; $1"
}

# require_qdisc KIND [ARGS...]: skip unless this kernel can create qdisc KIND
# (e.g. netem for delays).  The probe adds it to a veth in a throwaway netns;
# only the kernel's "unknown qdisc" answer is a skip, anything else fails.
require_qdisc() {
	local kind=$1 cache=$BATS_RUN_TMPDIR/features ns="lsnq$$" out
	mkdir -p "$cache"
	if [ ! -e "$cache/qdisc-$kind" ]; then
		ip netns add "$ns" || fail "qdisc probe: cannot create netns $ns"
		modprobe -q "sch_$kind" 2>/dev/null || true
		if ! ip -n "$ns" link add qa type veth peer name qb; then
			ip netns del "$ns"
			fail "qdisc probe: cannot create a veth pair"
		fi
		if out=$(tc -n "$ns" qdisc add dev qa root "$@" 2>&1); then
			echo supported >"$cache/qdisc-$kind"
		elif grep -q "qdisc kind is unknown" <<<"$out"; then
			echo "unsupported (tc: $out)" >"$cache/qdisc-$kind"
		else
			ip netns del "$ns"
			fail "qdisc probe for $kind inconclusive: $out"
		fi
		ip netns del "$ns"
	fi
	case $(cat "$cache/qdisc-$kind") in
	supported) ;;
	*) skip "kernel lacks $kind: $(cat "$cache/qdisc-$kind")" ;;
	esac
}

lesson_setup() {
	[ "$(id -u)" -eq 0 ] || skip "tests load BPF programs: run as root"
	local features
	features=$(lesson_conf features)
	# shellcheck disable=SC2086
	[ -z "$features" ] || require_feature $features
	_PROGS_BEFORE=$(our_progs | sort -k1,1)
}

lesson_teardown() {
	local pid ns
	for pid in "${_BG_PIDS[@]}"; do
		pkill -KILL -P "$pid" 2>/dev/null || true
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for ns in "${_NETNS[@]}"; do
		"$ROOT/tools/testenv" teardown "$ns"
	done
	[ ${#_NOBODY_DIRS[@]} -eq 0 ] || rm -rf "${_NOBODY_DIRS[@]}"
	[ -z "${_PROGS_BEFORE+x}" ] || assert_no_new_progs
}

# prog_ids: ids of every loaded BPF program, one per line, sorted.
prog_ids() {
	"$BPFTOOL" prog show | sed -n 's/^\([0-9]\{1,\}\): .*/\1/p' | sort -n
}

# our_progs: "ID NAME" of loaded programs built from this lesson's objects
# (names read once per bats run).  Other lessons' programs, loaded by a
# parallel run, are not ours to judge.
our_progs() {
	export BPF_OURS_NAMES=$BATS_RUN_TMPDIR/our-names
	[ -e "$BPF_OURS_NAMES" ] || "$ROOT/tests/bpf-ours" --names "$OUT" >"$BPF_OURS_NAMES"
	[ -s "$BPF_OURS_NAMES" ] || return 0
	"$ROOT/tests/bpf-ours" "$OUT"
}

# Programs are freed after their last reference goes, a little later than
# the process that held it: wait (bounded) for ours to disappear.  Only
# programs from our objects count, so unrelated BPF users don't fail us.
assert_no_new_progs() {
	if ! wait_until 10 _no_new_progs; then
		fail "BPF programs left loaded: $(_new_progs | paste -sd,)"
	fi
}
_new_progs() { join -v2 <(echo "$_PROGS_BEFORE") <(our_progs | sort -k1,1); }
_no_new_progs() { [ -z "$(_new_progs)" ]; }

# Waits last LESSON_SLOW times longer in a guest under emulation (tools/vmtest
# sets VMTEST_KERNEL): there a command takes seconds to start that takes
# milliseconds on the host.  Only waits for something to happen stretch.
: "${LESSON_SLOW:=$([ -n "${VMTEST_KERNEL:-}" ] && echo 4 || echo 1)}"
# LESSON_SETTLE: seconds readme_run gives a long-running README command
# after its first line of output before the next ones (tests/memcheck: under
# valgrind a loader prints, then takes seconds more to load and attach).
: "${LESSON_SETTLE:=0}"

# wait_until SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1 * LESSON_SLOW))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# start_bg FILE CMD...: run CMD (a program, not a shell function) in the
# background, stdout+stderr to FILE.  Sets BG_PID.  lesson_teardown kills it
# if the test did not.  fd 3 is bats' own: a child holding it stalls bats.
start_bg() {
	local file=$1
	shift
	# Empty it now: the child's own truncation comes later, and a caller
	# waiting for a line must not see the previous run's output.
	: >"$file"
	"$@" >"$file" 2>&1 3>&- &
	BG_PID=$!
	_BG_PIDS+=("$BG_PID")
}

# count_lines FILE REGEX: how many lines of FILE match REGEX.
count_lines() { grep -cE -- "$2" "$1" || true; }

# wait_for_count FILE REGEX N [SECONDS]: until at least N lines match.
wait_for_count() {
	wait_until "${4:-10}" _at_least_lines "$1" "$2" "$3" ||
		fail "$(count_lines "$1" "$2") lines matching '$2' after ${4:-10}s, want at least $3; output was:
$(cat "$1")"
}
_at_least_lines() { [ "$(count_lines "$1" "$2")" -ge "$3" ]; }

# assert_bad_input LINE: the last `run` was refused as bad input (README,
# "Exit codes"): exit 64, LINE ("name: invalid WHAT 'ARG': why") first,
# then argp's "Try `name --help' ..." line.
assert_bad_input() {
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "$1"
	[[ ${lines[1]-} == "Try \`"* ]] || fail "second line is not argp's 'Try' line: ${lines[1]-}"
}

# wait_for_line FILE REGEX [SECONDS]: until FILE has a line matching REGEX.
wait_for_line() {
	if ! wait_until "${3:-10}" grep -qE -- "$2" "$1"; then
		fail "no line matching '$2' within ${3:-10}s; output was:
$(cat "$1")"
	fi
}

# stop_bg PID SIGNAL: send SIGNAL, wait; sets STATUS to the exit status.
stop_bg() {
	kill "-$2" "$1"
	STATUS=0
	wait "$1" || STATUS=$?
}

# stop_bg_output FILE: SIGINT the start_bg process BG_PID, assert it exits
# 0, and load FILE (its output) into output and lines, as `run` would.
stop_bg_output() {
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$1")
	mapfile -t lines <"$1"
}

# netns_setup: a fresh two-namespace network (tools/testenv).  Sets NS, and
# IN_NS and IN_PEER, command prefixes that run a program on either side:
#	start_bg out "${IN_NS[@]}" "$BIN" -i veth0
netns_setup() {
	NS=lsn$$t${BATS_TEST_NUMBER:-0}
	"$ROOT/tools/testenv" teardown "$NS"
	"$ROOT/tools/testenv" setup "$NS" >/dev/null
	_NETNS+=("$NS")
	IN_NS=(ip netns exec "$NS")
	IN_PEER=(ip netns exec "$NS-peer")
}

# elf_read ARGS...: llvm-readelf, or binutils' readelf where LLVM is not
# installed (an arm64 guest's root): both print the GNU layout.
elf_read() {
	if command -v llvm-readelf >/dev/null; then
		llvm-readelf "$@"
	else
		readelf "$@"
	fi
}

# rx_packets IFACE: RX packet count from `ip -s link` inside the test netns.
rx_packets() {
	ip -n "$NS" -s link show dev "$1" | awk '/RX:/ { getline; print $2; exit }'
}

# gated [--sh] NAME SCRIPT [ARG...]: a process held at a fifo until
# `release NAME`, which then evals SCRIPT (ARGs are its "$@") in that same
# process: builtins keep the PID, and `exec CMD` makes CMD keep it.  A bash
# (comm "bash"), or with --sh a sh (comm "sh"); its exit status is SCRIPT's.
# stdin is /dev/null, stdout and stderr go to /dev/null, bats' fd 3 is
# closed.  Returns once the process waits at its gate.  Sets GATED_PID;
# lesson_teardown kills it if the test did not.
declare -gA _GATED=()
gated() {
	local shell="bash" fifo
	if [ "$1" = --sh ]; then
		shell="sh"
		shift
	fi
	fifo=$BATS_TEST_TMPDIR/gate-$1
	mkfifo "$fifo"
	# shellcheck disable=SC2016 # the gated shell expands these
	"$shell" -c 'read -r _ <"$1"; _gated_script=$2; shift 2; eval "$_gated_script"' \
		_ "$fifo" "${@:2}" </dev/null >/dev/null 2>&1 3>&- &
	GATED_PID=$!
	_GATED[$1]=$GATED_PID
	_BG_PIDS+=("$GATED_PID")
	# Return once it is blocked opening the fifo: its own start-up syscalls
	# (exec, ld.so, the shell's init) then come before anything the test
	# attaches next, however slow the machine (a TCG guest is).
	wait_until 10 _at_gate "$GATED_PID" || fail "gated $1: pid $GATED_PID never reached its gate (stack: $(tr '\n' ' ' <"/proc/$GATED_PID/stack" 2>&1))"
}

# A fifo's open(2) sleeps in wait_for_partner until the other end opens.
# The stack, not wchan: x86 kernels before 5.16 print wchan 0 under ORC.
_at_gate() {
	grep -qs wait_for_partner "/proc/$1/stack"
}

# release [-w] NAME: let NAME's process go (NAME can then be gated again).
# -w: also reap it, and set STATUS to its exit status.
release() {
	local reap=0
	if [ "$1" = -w ]; then
		reap=1
		shift
	fi
	echo go >"$BATS_TEST_TMPDIR/gate-$1"
	rm -f "$BATS_TEST_TMPDIR/gate-$1"
	if [ "$reap" = 1 ]; then
		local pid=${_GATED[$1]}
		# Bounded: a process that stalls (an emulated guest has) fails the
		# test with its kernel stack instead of holding the whole run.
		wait_until 60 _exited "$pid" ||
			fail "release -w $1: pid $pid still running after $((60 * LESSON_SLOW)) s (stack: $(tr '\n' ' ' <"/proc/$pid/stack" 2>&1))"
		STATUS=0
		wait "$pid" || STATUS=$?
	fi
}
# _exited PID: PID (our child) has exited: a zombie until reaped, or gone.
_exited() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

# probe_reason FEATURE: featprobe's reason for FEATURE being unsupported
# (what a loader that asks the same code must print); fails if supported.
probe_reason() {
	local r
	r=$("$FEATPROBE" "$1") && return 1
	r=${r#"$1: unsupported ("}
	echo "${r%)}"
}

# run_as_nobody BIN [ARG...]: `run` BIN as uid/gid 65534 with no groups.
# The workspace may sit where nobody cannot read it (/root is 0700), so BIN
# and the files beside it (its .bpf.o objects, test targets) are copied to a
# fresh world-readable directory first; the copy runs, and arguments naming
# files beside BIN name their copies.
run_as_nobody() {
	local dir src a args=()
	dir=$(mktemp -d /tmp/lsn-nobody.XXXXXX)
	_NOBODY_DIRS+=("$dir")
	chmod 755 "$dir"
	src=$(dirname "$1")
	# (-L: build/ may be a view of symlinks, tests/run's SANITIZE=1 run)
	find -L "$src" -maxdepth 1 -type f -exec cp -p {} "$dir/" \;
	chmod -R a+rX "$dir"
	for a in "${@:2}"; do args+=("${a//"$src/"/"$dir/"}"); done
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/$(basename "$1")" "${args[@]}"
}
_NOBODY_DIRS=()

# README "Run it" commands, run as written (each lesson's test.bats has a
# test calling readme_run).  The section's commands are its indented code
# lines; a trailing "\" joins the next line; in a block that shows a session
# ("$ cmd" then its output) only the "$ " lines are commands.  A trailing
# comment may start with tags in parentheses, comma-separated:
#   (second terminal)  typed while the previous command still runs
#   (exits N)          its documented exit status is N, not 0
#   (not run)          the test cannot run it (interactive), say why after
# and a "quoted text" anywhere in the comment is output it must print.
# readme_commands FILE [SECTION [subs]]: the commands of FILE's "## SECTION"
# (default "Run it"); with a third argument, each as "SUBSECTION<TAB>CMD".
readme_commands() {
	awk -v section="${2:-Run it}" -v subs="${3:-}" '
	function flush(   i) {
		for (i = 1; i <= n; i++)
			if (!session || blk[i] ~ /^\$ /)
				print (subs ? sub_ "\t" : "") (session ? substr(blk[i], 3) : blk[i])
		n = 0; session = 0
	}
	/^## / { flush(); run = (substr($0, 4, length(section)) == section); next }
	!run { next }
	/^### / { flush(); sub_ = substr($0, 5); next }
	/^    / {
		line = substr($0, 5)
		if (cont != "") { sub(/^ +/, "", line); line = cont " " line; cont = "" }
		if (line ~ /\\$/) { cont = substr(line, 1, length(line) - 1); sub(/ +$/, "", cont); next }
		blk[++n] = line
		if (line ~ /^\$ /) session = 1
		next
	}
	{ flush() }
	END { flush() }' "$1"
}

# readme_cmds: this lesson's README "Run it" commands without their trailing
# comments, one per line, for a test that runs them its own way
# (mapfile -t cmds < <(readme_cmds)).
readme_cmds() {
	readme_commands "$LESSON_DIR/README.md" | sed -E 's/^(.*[^ ]) +# .*$/\1/'
}

# readme_try CMD [TEXT]: one README command (from readme_cmds) run as
# readme_run runs it: as written, from the workspace root, Ctrl-C after 3 s
# (LESSON_SLOW times) if still running; it must exit 0 or stop there, and
# print TEXT.  Its output is in $output.
readme_try() {
	local out=$BATS_TEST_TMPDIR/readme-try.out
	_readme_one "$((3 * LESSON_SLOW))" "$1" "$out" 0 "${2-}"
	output=$(cat "$out")
}

# readme_run [SECONDS]: run every command of this lesson's README "Run it"
# section from the workspace root, as written, in order.  A command that
# is still running after SECONDS (default 3) gets Ctrl-C (SIGINT), as a
# learner would; it must have printed something by then.  Each must exit 0
# (or be stopped that way); the next "(second terminal)" commands run while
# it runs.  "lsn" (testenv's default name) becomes a private name, so runs
# do not collide.  Outputs: README_RAN[N] is the Nth command run (as run:
# private netns name, no comment), its output $BATS_TEST_TMPDIR/readme-N.out.
readme_run() {
	local secs=$((${1:-3} * LESSON_SLOW)) cmd note tags want expect i=0 out bg="" ns="lsnrd$$"
	_NETNS+=("$ns")
	README_RAN=()
	while IFS= read -r cmd; do
		note=""
		if [[ $cmd =~ ^(.*[^ ])\ +#\ (.*)$ ]]; then
			cmd=${BASH_REMATCH[1]} note=${BASH_REMATCH[2]}
		fi
		tags="" want="" expect=0
		[[ $note =~ ^\(([^\)]*)\) ]] && tags=",${BASH_REMATCH[1]//, /,},"
		[[ $note =~ \"([^\"]*)\" ]] && want=${BASH_REMATCH[1]}
		[[ $tags =~ ,exits\ ([0-9]+), ]] && expect=${BASH_REMATCH[1]}
		[[ $tags == *",not run,"* ]] && continue
		# testenv's default network "lsn" -> a private one.
		cmd=$(sed -E -e "s/(^|[^A-Za-z0-9_])lsn([^A-Za-z0-9_-]|$)/\\1$ns\\2/g" \
			-e "s#(tools/testenv (setup|teardown))\$#\\1 $ns#" <<<"$cmd")
		i=$((i + 1))
		README_RAN[i]=$cmd
		out=$BATS_TEST_TMPDIR/readme-$i.out
		if [[ $tags == *",second terminal,"* ]]; then
			[ -n "$bg" ] || fail "README: '$cmd' is marked (second terminal) but nothing runs before it"
			_readme_one "$secs" "$cmd" "$out" "$expect" "$want"
			continue
		fi
		[ -z "$bg" ] || _readme_stop "$bg"
		bg=""
		: >"$out" # there before the wait below reads it
		(cd "$ROOT" && exec timeout -s INT "$secs" bash -c "$cmd") >"$out" 2>&1 3>&- &
		want=${want// /$'\x01'}
		bg="$! $out $expect ${want:--} $cmd"
		_BG_PIDS+=("$!")
		# Give a long-running command its start before a second terminal's:
		# a line of its own, not make's (the directory, the echoed command).
		# (make's echo of `make run`: "[RUN_WRAPPER ]ROOT/build[-san|-memcheck]/...";
		# a build step first, when a source changed: "  CC       build/...")
		wait_until "$((secs / LESSON_SLOW))" grep -qvE "^(make(\[[0-9]+\])?: |  [A-Z-]+ +[a-z]|${RUN_WRAPPER:+$RUN_WRAPPER }$ROOT/build[-a-z]*/)" "$out" || true
		[ "$LESSON_SETTLE" = 0 ] || sleep "$LESSON_SETTLE"
	done < <(readme_commands "$LESSON_DIR/README.md")
	[ -z "$bg" ] || _readme_stop "$bg"
	[ "$i" -gt 0 ] || fail "README.md of $LESSON has no commands in its Run it section"
}
_readme_one() {
	local st=0
	(cd "$ROOT" && exec timeout -s INT "$1" bash -c "$2") >"$3" 2>&1 3>&- || st=$?
	_readme_check "$st" "$2" "$3" "$4" "$5"
}
_readme_stop() {
	local pid out expect want cmd st=0
	read -r pid out expect want cmd <<<"$1"
	[ "$want" != - ] || want=""
	want=${want//$'\x01'/ }
	wait "$pid" || st=$?
	_readme_check "$st" "$cmd" "$out" "$expect" "$want"
}
# _readme_check STATUS CMD OUT EXPECTED-STATUS WANT-TEXT
_readme_check() {
	if [ "$1" = 124 ]; then
		[ -s "$3" ] || fail "README command printed nothing before Ctrl-C: $2"
	elif [ "$1" != "$4" ]; then
		fail "README command exited $1, README says $4: $2
$(cat "$3")"
	fi
	[ -z "$5" ] || grep -qF -- "$5" "$3" || fail "README command did not print \"$5\": $2
$(cat "$3")"
}

# The loader under test, as most test.bats files drive it: $BIN in the
# background with its output in $T/out (set T in setup).
# start_bin READY_RE [ARG...]: start $BIN ARGs (start_bg, BG_PID) and
# return once its output has a line matching READY_RE.
start_bin() {
	local ready=$1
	shift
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" "$ready"
}

# unlink_fn: the kernel function unlink(2) ends in, by /proc/kallsyms:
# do_unlinkat, or filename_unlinkat (newer kernels' name for it).
unlink_fn() {
	local f
	for f in do_unlinkat filename_unlinkat; do
		grep -qE " [tT] $f\$" /proc/kallsyms && echo "$f" && return 0
	done
	fail "/proc/kallsyms has neither do_unlinkat nor filename_unlinkat"
}

# wait_prog_gone NAME [MESSAGE]: within 10 s no program named NAME is
# loaded (bpftool prog show name NAME); else fail with MESSAGE (default
# "NAME still loaded").
wait_prog_gone() {
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name $1)\" ]" ||
		fail "${2:-$1 still loaded}"
}

# assert_signals_detach COUNT NAMES_RE [ARG...]: for SIGINT, then SIGTERM:
# the .bats file's `start ARGs` loads COUNT programs whose `bpftool prog
# show` line matches NAMES_RE; the signal stops it with exit 0 and within
# 10 s none of them is left.
assert_signals_detach() {
	local want=$1 names=$2 sig
	shift 2
	for sig in INT TERM; do
		start "$@"
		run grep -cE "$names" < <("$BPFTOOL" prog show)
		assert_equal "$output" "$want"
		stop_bg "$BG_PID" "$sig"
		assert_equal "$STATUS" 0
		wait_until 10 bash -c "! $BPFTOOL prog show | grep -qE '$names'" ||
			fail "programs still loaded after SIG$sig"
	done
}
