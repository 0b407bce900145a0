#!/usr/bin/env bats
# Exercise 17 (README "Exercise"): -c CPU keeps one CPU's numbers, from the
# per-CPU values user space already reads.  Checked against that CPU's
# column of /proc/interrupts, read around a burst of disk I/O.
load ../../tests/lib

BIN=$OUT/hardirqs

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# cpu_col N: "IRQ COUNT NAME" for each numbered IRQ, COUNT from CPU N's
# column (the header names the columns: CPU0 CPU1 ...).
cpu_col() {
	awk -v want="CPU$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) col = i + 1; next }
		$1 ~ /^[0-9]+:$/ && col { print substr($1, 1, length($1) - 1), $col, $NF }' \
		/proc/interrupts | sort -k1,1
}

# The same I/O as the lesson's test: each write completes with an IRQ.
disk_io() {
	if dd if=/dev/zero of="$BATS_TEST_TMPDIR/io" bs=64k count=32 oflag=direct conv=fsync \
		status=none 2>/dev/null; then
		dd if="$BATS_TEST_TMPDIR/io" of=/dev/null bs=64k iflag=direct status=none
	else
		echo 3 >/proc/sys/vm/drop_caches
		cat "$ROOT"/vmlinux/*/vmlinux.h "$ROOT"/build/*/*.o >/dev/null
	fi
	rm -f "$BATS_TEST_TMPDIR/io"
}

@test "-c and --cpu are options; a CPU that is not possible is bad input (exit 64)" {
	run "$BIN" -c 0 --help
	assert_success
	run "$BIN" --cpu 0 --help
	assert_success
	assert_output --partial "--cpu"
	# /sys/devices/system/cpu/possible: "0-N" (or "0").
	local last
	last=$(sed -E 's/.*[-,]//' /sys/devices/system/cpu/possible)
	run "$BIN" -c $((last + 1))
	assert_bad_input "hardirqs: invalid CPU '$((last + 1))': out of range 0..$last"
}

@test "with -c 0: each row's count lies between CPU0's growth in /proc/interrupts while it ran and around it" {
	local out=$BATS_TEST_TMPDIR/out d=$BATS_TEST_TMPDIR irq a b c e name count
	cpu_col 0 >"$d/outer0"
	start_bg "$out" "$BIN" -c 0
	wait_for_line "$out" '^Tracing hard IRQ handlers' 5
	cpu_col 0 >"$d/inner0"
	disk_io
	cpu_col 0 >"$d/inner1"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	cpu_col 0 >"$d/outer1"
	# IRQ, then CPU0's count: before start, after attach, before stop, after.
	join "$d/outer0" "$d/inner0" | join - "$d/inner1" | join - "$d/outer1" |
		awk '{ print $1, $2, $4, $6, $8, $3 }' >"$d/counts"
	while read -r irq a b c e name; do
		count=$(awk -v irq="$irq" -v name="$name" '$1 == irq && $2 == name { print $3 }' "$out")
		count=${count:-0}
		[ "$count" -ge $((c - b)) ] ||
			fail "IRQ $irq ($name): count $count < CPU0's growth $((c - b)) while tracing:
$(cat "$out")"
		[ "$count" -le $((e - a)) ] ||
			fail "IRQ $irq ($name): count $count > CPU0's growth $((e - a)) around the run (other CPUs' too?):
$(cat "$out")"
	done <"$d/counts"
}
