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

# run_broken LESSON BIN SETUP [UNSHARE_FLAGS]: run the loader with its sample
# arguments and -d 1, after the shell commands SETUP, in a new mount
# namespace (and a new network namespace with -n: an XDP attach to its lo
# then dies with it).  Sets status, stdout (output), stderr.
run_broken() {
	local lesson=$1 bin=$2 setup=$3 flags=${4:-} args
	args=$(lesson_key "$lesson" sample_args)
	[ -n "$args" ] || args=$(lesson_run_args "$lesson")
	# shellcheck disable=SC2086 # flags and args are word lists
	run --separate-stderr timeout -s KILL 30 unshare -m $flags --propagation private \
		sh -c "$setup"' && exec "$0" "$@"' "$bin" $args -d 1
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
	local lesson bin n=0
	while read -r lesson bin; do
		n=$((n + 1))
		run_broken "$lesson" "$bin" \
			'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null; ! grep -q tracefs /proc/self/mounts'
		judge "$lesson" "$bin" 'tracefs|tracing'
	done < <(loaders_with tracepoint tracefs)
	[ "$n" -gt 0 ] || fail "no built loader lists tracepoint or tracefs"
	report
}

@test "kernel BTF missing: CO-RE loaders exit 1 with one line naming BTF" {
	local lesson bin n=0
	while read -r lesson bin; do
		n=$((n + 1))
		run_broken "$lesson" "$bin" 'mount -t tmpfs none /sys/kernel/btf'
		judge "$lesson" "$bin" 'BTF'
		[ "$status" -ne 1 ] || [ ${#stderr_lines[@]} -eq 1 ] ||
			problem "$lesson: $(basename "$bin"): $(echo "${#stderr_lines[@]}") stderr lines, want 1"
	done < <(loaders_with btf)
	[ "$n" -gt 0 ] || fail "no built loader lists btf"
	report
}

@test "kernel BTF unreadable (an empty file over it): CO-RE loaders exit 1 naming BTF" {
	local lesson bin n=0
	: >"$BATS_TEST_TMPDIR/empty"
	while read -r lesson bin; do
		n=$((n + 1))
		run_broken "$lesson" "$bin" "mount --bind $BATS_TEST_TMPDIR/empty /sys/kernel/btf/vmlinux"
		judge "$lesson" "$bin" 'BTF'
	done < <(loaders_with btf)
	[ "$n" -gt 0 ] || fail "no built loader lists btf"
	report
}

@test "bpffs not mounted: pinning loaders mount it or say so" {
	local lesson bin n=0
	while read -r lesson bin; do
		n=$((n + 1))
		# A new netns too: what a loader pins and attaches there dies with it.
		run_broken "$lesson" "$bin" 'umount -l /sys/fs/bpf && ! grep -q " /sys/fs/bpf " /proc/self/mounts' -n
		judge "$lesson" "$bin" 'bpffs|/sys/fs/bpf'
	done < <(loaders_with bpffs)
	[ "$n" -gt 0 ] || fail "no built loader lists bpffs"
	report
}

@test "bpffs read-only: pinning loaders exit 1 with one clear line" {
	local lesson bin n=0
	while read -r lesson bin; do
		n=$((n + 1))
		run_broken "$lesson" "$bin" 'umount -l /sys/fs/bpf && mount -t bpf -o ro bpf /sys/fs/bpf' -n
		if [ "$status" -eq 0 ]; then
			problem "$lesson: $(basename "$bin"): exit 0 on a read-only bpffs"
		else
			judge "$lesson" "$bin" 'read-only|pin|bpffs|/sys/fs/bpf'
		fi
	done < <(loaders_with bpffs)
	[ "$n" -gt 0 ] || fail "no built loader lists bpffs"
	report
}
