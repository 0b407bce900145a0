# Shared by test.bats and exercise.bats: loop devices of the test's own.
# shellcheck shell=bash disable=SC2034 # BIN, DEV, DISK: for the .bats files
BIN=$OUT/biopattern

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}

teardown() {
	local dev file
	lesson_teardown
	# Every loop device backed by a file of this test, even if it failed
	# half way (or a README command made it).
	while read -r dev file; do
		case $file in "$T"/*) losetup -d "$dev" ;; esac
	done < <(losetup -n -O NAME,BACK-FILE 2>/dev/null)
}

# loop_dev: a fresh 64 MiB loop device; sets DEV (/dev/loopN) and DISK (loopN).
# Skips where the kernel has no loop driver.
loop_dev() {
	local img
	[ -e /dev/loop-control ] || modprobe -q loop 2>/dev/null || true
	[ -e /dev/loop-control ] || skip "kernel lacks loop devices: no /dev/loop-control, no loop module"
	img=$(mktemp "$T/disk.XXXXXX")
	truncate -s 64M "$img"
	DEV=$(losetup -f --show "$img") || fail "losetup could not attach $img"
	DISK=${DEV#/dev/}
}
