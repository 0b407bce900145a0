#!/usr/bin/env bats
# A broken environment, simulated in a private mount namespace (unshare -m:
# the host's mounts are untouched): tracefs not mounted, bpffs not mounted or
# read-only, kernel BTF missing or unreadable.  Every loader whose lesson.conf
# lists the feature must either cope (mount it itself, exit 0) or exit 1
# with one clear line naming what is missing; never crash, leave nothing.
# Which loaders: from lesson.conf features=, so new lessons are included.
load lib
load hardening
bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (mount namespaces, BPF)"
	PROBLEMS=()
	orphans_snapshot "$BATS_TEST_TMPDIR/before"
}

teardown() {
	assert_no_new_orphans "$BATS_TEST_TMPDIR/before"
}

problem() { PROBLEMS+=("$*"); }
report() {
	[ ${#PROBLEMS[@]} -eq 0 ] && return 0
	fail "$(printf '%s\n' "${PROBLEMS[@]}" | sort)"
}

# loaders_with FEATURE...: "LESSON BIN" for every built loader whose lesson
# lists one of FEATUREs in features=.
loaders_with() {
	local d lesson app f
	for d in "$ROOT"/lessons/[0-9][0-9]-*/; do
		lesson=$(basename "$d")
		for f in "$@"; do
			[[ " $(lesson_key "$lesson" features) " == *" $f "* ]] || continue
			for app in $(lesson_apps "$lesson"); do
				[ -x "$BUILD/$lesson/$app" ] && echo "$lesson $BUILD/$lesson/$app"
			done
			break
		done
	done
}

# _broken_one "N<TAB>BIN<TAB>ARGS": one loader with its sample arguments
# (shell-quoted ARGS) and -d 1, after the shell commands $BROKEN_SETUP, in a
# new mount namespace (and a new network namespace with BROKEN_FLAGS=-n: an
# XDP attach to its lo then dies with it) into $RUN_DIR/N.rc, N.err.
_broken_one() {
	local n bin args
	local -a a
	IFS=$'\t' read -r n bin args <<<"$1"
	eval "a=($args)"
	# shellcheck disable=SC2086 # BROKEN_FLAGS is a word list
	timeout -s KILL 30 unshare -m $BROKEN_FLAGS --propagation private \
		sh -c "$BROKEN_SETUP"' && exec "$0" "$@"' "$bin" "${a[@]}" -d 1 \
		</dev/null >/dev/null 2>"$RUN_DIR/$n.err"
	echo $? >"$RUN_DIR/$n.rc"
}

# run_broken SETUP FLAGS FEATURE...: every loader whose lesson lists a
# FEATURE, four at a time (each in its own namespaces); then one line
# "LESSON BIN N" per loader on stdout for broken_result.
run_broken() {
	local setup=$1 flags=$2 lesson bin n=0 dir=$BATS_TEST_TMPDIR/runs
	shift 2
	mkdir -p "$dir"
	loaders_with "$@" >"$dir/list"
	while read -r lesson bin; do
		n=$((n + 1))
		printf '%s\t%s\t%s\n' "$n" "$bin" "$(lesson_sample_args "$lesson")"
	done <"$dir/list" >"$dir/rows"
	export -f _broken_one
	BROKEN_SETUP=$setup BROKEN_FLAGS=$flags RUN_DIR=$dir \
		xargs -d '\n' -n 1 -P 4 bash -c '_broken_one "$1"' _ <"$dir/rows"
	awk '{ print $0, NR }' "$dir/list"
}

# broken_result N: status and stderr_lines of run N (as bats' run sets them).
broken_result() {
	read -r status <"$BATS_TEST_TMPDIR/runs/$1.rc"
	stderr_lines=()
	[ ! -s "$BATS_TEST_TMPDIR/runs/$1.err" ] || mapfile -t stderr_lines <"$BATS_TEST_TMPDIR/runs/$1.err"
}

# judge LESSON BIN WORDS: exit 0 (coped), or exit 1 whose first stderr line
# is "NAME: ..." and matches WORDS (an ERE).
judge() {
	local lesson=$1 name first
	name=$(basename "$2")
	first=${stderr_lines[0]:-}
	if [ "$status" -ge 124 ]; then
		problem "$lesson: $name: exit $status (crash, hang or timeout)"
	elif [ "$status" -eq 1 ]; then
		[[ $first == "$name: "* ]] && grep -qiE -- "$3" <<<"$first" ||
			problem "$lesson: $name: exit 1 but the first line does not say /$3/: $first"
	elif [ "$status" -ne 0 ]; then
		problem "$lesson: $name: exit $status: $first"
	fi
}

@test "tracefs not mounted: tracepoint loaders mount it or say so" {
	local lesson bin i n=0
	while read -r lesson bin i; do
		n=$((n + 1))
		broken_result "$i"
		judge "$lesson" "$bin" 'tracefs|tracing'
	done < <(run_broken 'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null; ! grep -q tracefs /proc/self/mounts' '' tracepoint tracefs)
	[ "$n" -gt 0 ] || fail "no built loader lists tracepoint or tracefs"
	report
}

@test "kernel BTF missing: CO-RE loaders exit 1 with one line naming BTF" {
	local lesson bin i n=0
	while read -r lesson bin i; do
		n=$((n + 1))
		broken_result "$i"
		judge "$lesson" "$bin" 'BTF'
		[ "$status" -ne 1 ] || [ ${#stderr_lines[@]} -eq 1 ] ||
			problem "$lesson: $(basename "$bin"): ${#stderr_lines[@]} stderr lines, want 1"
	done < <(run_broken 'mount -t tmpfs none /sys/kernel/btf' '' btf)
	[ "$n" -gt 0 ] || fail "no built loader lists btf"
	report
}

@test "kernel BTF unreadable (an empty file over it): CO-RE loaders exit 1 naming BTF" {
	local lesson bin i n=0
	: >"$BATS_TEST_TMPDIR/empty"
	while read -r lesson bin i; do
		n=$((n + 1))
		broken_result "$i"
		judge "$lesson" "$bin" 'BTF'
	done < <(run_broken "mount --bind $BATS_TEST_TMPDIR/empty /sys/kernel/btf/vmlinux" '' btf)
	[ "$n" -gt 0 ] || fail "no built loader lists btf"
	report
}

@test "bpffs not mounted: pinning loaders mount it or say so" {
	local lesson bin i n=0
	# A new netns too: what a loader pins and attaches there dies with it.
	while read -r lesson bin i; do
		n=$((n + 1))
		broken_result "$i"
		judge "$lesson" "$bin" 'bpffs|/sys/fs/bpf'
	done < <(run_broken 'umount -l /sys/fs/bpf && ! grep -q " /sys/fs/bpf " /proc/self/mounts' -n bpffs)
	[ "$n" -gt 0 ] || fail "no built loader lists bpffs"
	report
}

@test "bpffs read-only: pinning loaders exit 1 with one clear line" {
	local lesson bin i n=0
	while read -r lesson bin i; do
		n=$((n + 1))
		broken_result "$i"
		if [ "$status" -eq 0 ]; then
			problem "$lesson: $(basename "$bin"): exit 0 on a read-only bpffs"
		else
			judge "$lesson" "$bin" 'read-only|pin|bpffs|/sys/fs/bpf'
		fi
	done < <(run_broken 'umount -l /sys/fs/bpf && mount -t bpf -o ro bpf /sys/fs/bpf' -n bpffs)
	[ "$n" -gt 0 ] || fail "no built loader lists bpffs"
	report
}
