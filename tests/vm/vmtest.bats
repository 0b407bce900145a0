#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# tools/vmtest itself: one boot of Debian's 6.1 kernel, and its error paths.
load ../lib
bats_require_minimum_version 1.5.0

# Fetch and cache the kernel first: a fresh checkout's first run prints what
# it downloads on stderr, which the tests below compare exactly.
setup_file() {
	[ -n "${VMTEST_KERNEL:-}" ] || [ "$(id -u)" -ne 0 ] ||
		"$ROOT/tools/vmtest" --kernel 6.1 --prepare >/dev/null 2>&1 || true
}

setup() {
	[ -z "${VMTEST_KERNEL:-}" ] || skip "already inside tools/vmtest (no nested qemu)"
	[ "$(id -u)" -eq 0 ] || skip "tools/vmtest runs as root"
}

@test "a command runs in the other kernel, in this directory; output and status come back" {
	cd "$ROOT/lessons"
	run --separate-stderr "$ROOT/tools/vmtest" --kernel 6.1 -e GREETING=hi -- \
		bash -c 'uname -r; pwd; echo "$GREETING"; echo oops >&2;
			echo x >/work-vmtest-probe && ls /sys/kernel/btf/vmlinux; exit 7'
	assert_equal "$status" 7
	assert_line --index 0 --regexp '^6\.1\.[0-9]+-.*amd64$'
	refute_line "$(uname -r)"
	assert_line --index 1 "$ROOT/lessons"
	assert_line --index 2 hi
	assert_line --index 3 /sys/kernel/btf/vmlinux
	[ "$stderr" = oops ]
	# The guest's writes stay in the guest.
	assert_file_not_exists /work-vmtest-probe
}

@test "--rw shares a directory writable; the kernel's modules load inside" {
	run "$ROOT/tools/vmtest" --rw "$BATS_TEST_TMPDIR/rw" -- \
		bash -c "modprobe dummy && grep -q '^dummy ' /proc/modules && echo \$(uname -r) >'$BATS_TEST_TMPDIR/rw/out'"
	assert_success
	assert_file_exists "$BATS_TEST_TMPDIR/rw/out"
	run cat "$BATS_TEST_TMPDIR/rw/out"
	assert_output --regexp '^6\.1\.'
	refute_output "$(uname -r)"
}

@test "a command that outlives --timeout: exit 124 and a clear line" {
	run "$ROOT/tools/vmtest" --timeout 1 -- sleep 600
	assert_equal "$status" 124
	assert_line --partial "vmtest: timed out after 1s"
}

@test "bad input: unknown kernel, unknown option, no command" {
	run "$ROOT/tools/vmtest" --kernel 5.99 -- true
	assert_equal "$status" 125
	assert_line --regexp '^vmtest: no Debian kernel package for 5\.99'
	run "$ROOT/tools/vmtest" --kernel /nonexistent -- true
	assert_equal "$status" 125
	assert_line "vmtest: no such kernel: /nonexistent"
	run "$ROOT/tools/vmtest" --frobnicate
	assert_equal "$status" 2
	run "$ROOT/tools/vmtest"
	assert_equal "$status" 2
	assert_line "vmtest: no command"
}

@test "--arch arm64: an arm64 kernel over an arm64 root, this workspace read-only at its path" {
	# On demand: the first run fetches the kernel and makes the arm64 root
	# (about 6 minutes; cached in build/vmtest/ after).
	[ "${VMTEST_ARM64:-0}" = 1 ] || skip "arm64 guest not asked for (VMTEST_ARM64=1)"
	cd "$ROOT"
	run --separate-stderr "$ROOT/tools/vmtest" --arch arm64 --kernel 6.12 -- \
		bash -c 'uname -m; uname -r; pwd; test -e README.md && echo seen;
			touch README.md 2>/dev/null || echo read-only; exit 5'
	assert_equal "$status" 5
	assert_line --index 0 aarch64
	assert_line --index 1 --regexp '^6\.12\.[0-9]+.*-arm64$'
	assert_line --index 2 "$ROOT"
	assert_line --index 3 seen
	assert_line --index 4 read-only
}
