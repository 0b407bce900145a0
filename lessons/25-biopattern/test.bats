#!/usr/bin/env bats
# Lesson 25: block I/O we issue ourselves (dd with O_DIRECT, so every block
# is one request) on loop devices the test creates: a sequential pass and a
# random pass whose sizes, counts and offsets the test chose.
load ../../tests/lib
load loop

# 256 sequential 4 KiB writes: 1 MiB, one request each.
seq_io() { dd if=/dev/zero of="$1" bs=4k count=256 oflag=direct status=none; }
# 64 single-block reads 613 blocks apart: none starts where the last ended.
rnd_io() {
	local i
	for i in $(seq 64); do
		dd if="$1" of=/dev/null bs=4k count=1 skip=$((i * 613 % 16000)) iflag=direct status=none
	done
}

start() {
	OUTF=$T/out
	start_bg "$OUTF" "$BIN" "$@"
	wait_for_line "$OUTF" '^(TIME +)?DISK +%RND +%SEQ +COUNT +KBYTES$'
}

stop() { stop_bg_output "$OUTF"; }

@test "sequential then random dd: the percentages flip, counts and bytes are dd's" {
	loop_dev
	start -D "$DISK" 60
	seq_io "$DEV"
	stop
	# The first request has no predecessor and counts as random.
	assert_line --regexp "^$DISK +0 +99 +256 +1024\$"
	assert_equal "$(count_lines "$OUTF" "^$DISK ")" 1

	start -D "$DISK" 60
	rnd_io "$DEV"
	stop
	assert_line --regexp "^$DISK +100 +0 +64 +256\$"
	assert_equal "$(count_lines "$OUTF" "^$DISK ")" 1
}

@test "INTERVAL: one line per interval with I/O; the lines add up to all of it" {
	loop_dev
	start -D "$DISK" 1
	seq_io "$DEV"
	wait_for_line "$OUTF" "^$DISK +[0-9]+ +(9[0-9]|100) "
	# Let the interval with the sequential tail end before the random pass.
	sleep 1.5
	rnd_io "$DEV"
	wait_for_line "$OUTF" "^$DISK +(9[0-9]|100) +[0-9]+ "
	stop
	# Whatever the interval boundaries, nothing is counted twice or lost.
	assert_equal "$(awk -v d="$DISK" '$1 == d { n += $4 } END { print n }' "$OUTF")" 320
	assert_equal "$(awk -v d="$DISK" '$1 == d { n += $5 } END { print n }' "$OUTF")" 1280
}

@test "-D: only that disk; without it, both" {
	local a b
	loop_dev
	a=$DISK
	loop_dev
	b=$DISK
	start -D "$a" 60
	seq_io "/dev/$a"
	seq_io "/dev/$b"
	stop
	assert_line --index 0 "Tracing block I/O patterns on $a every 60 s. Ctrl-C to stop."
	assert_line --regexp "^$a +0 +99 +256 +1024\$"
	refute_line --regexp "^$b "

	start 60
	seq_io "/dev/$a"
	rnd_io "/dev/$b"
	stop
	# A new loader starts with an empty map: a's first request is again
	# the one "random" one.
	assert_line --regexp "^$a +0 +99 +256 +1024\$"
	assert_line --regexp "^$b +100 +0 +64 +256\$"
}

@test "-T puts the time of day first" {
	loop_dev
	start -T -D "$DISK" 60
	seq_io "$DEV"
	stop
	assert_line --index 1 --regexp '^TIME +DISK +%RND'
	assert_line --regexp "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] $DISK +0 +99 +256 +1024\$"
}

@test "bad input: exit 64 with one line; not root: exit 1" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -D nosuchdisk
	assert_equal "$status" 64
	assert_line --index 0 "biopattern: invalid disk 'nosuchdisk': no such disk in /sys/block"
	run "$BIN" -D ../sda
	assert_equal "$status" 64
	assert_line --index 0 "biopattern: invalid disk '../sda': want a name from /sys/block"
	run "$BIN" soon
	assert_equal "$status" 64
	assert_line --index 0 "biopattern: invalid interval 'soon': want a whole number from 1 to 3600"
	run "$BIN" 0
	assert_equal "$status" 64
	assert_line --index 0 "biopattern: invalid interval '0': out of range 1..3600"
	run "$BIN" 1 2
	assert_equal "$status" 64
	assert_line --index 0 "biopattern: invalid argument '2': only one INTERVAL"
	cp "$BIN" "$T/biopattern"
	chmod 755 "$T" "$T/biopattern"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/biopattern"
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: the program is gone afterwards" {
	start
	run "$BPFTOOL" prog show name biopattern_rq
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone biopattern_rq
}

# The commands of README.md's "Run it", as written there.
@test "README: every command in Run it works as shown" {
	local readme=$LESSON_DIR/README.md script
	script=$(readme_cmds)
	[ -e /dev/loop-control ] || modprobe -q loop 2>/dev/null || true
	[ -e /dev/loop-control ] || skip "kernel lacks loop devices: no /dev/loop-control, no loop module"
	cd "$ROOT"
	# The first line is `make ... run` with -d: it ends by itself.
	run timeout 30 bash -c "$(head -1 <<<"$script")"
	assert_success
	assert_line --regexp '^TIME +DISK +%RND +%SEQ +COUNT +KBYTES$'
	# The rest makes a loop disk, traces it, and removes it.
	TMPDIR=$T run timeout 60 bash -c "set -e; $(tail -n +2 <<<"$script")"
	assert_success
	assert_line --regexp "^loop[0-9]+ +0 +99 +256 +1024\$"
	assert_line --regexp "^loop[0-9]+ +100 +0 +64 +256\$"
	run losetup -n -O NAME,BACK-FILE
	refute_output --partial "$T/"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
