#!/usr/bin/env bats
# Lesson 17: the IRQ table, checked against /proc/interrupts read before and
# after a burst of disk I/O while the loader runs.
load ../../tests/lib

BIN=$OUT/hardirqs

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# irq_totals: "IRQ TOTAL NAME" for each numbered line of /proc/interrupts:
# the per-CPU counts summed, and the last column (the handler's name).
irq_totals() {
	awk '$1 ~ /^[0-9]+:$/ {
		s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++)
			s += $i
		print substr($1, 1, length($1) - 1), s, $NF
	}' /proc/interrupts | sort -k1,1
}

# disk_io: O_DIRECT writes and an fsync: each one completes with an IRQ
# from the disk controller.  Where the temp dir cannot do O_DIRECT (tmpfs, as
# inside tools/vmtest), read uncached workspace files instead: that goes
# through the (virtio) device and raises its IRQs.
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

@test "every IRQ that grew in /proc/interrupts is in the table, count >= its growth" {
	local out=$BATS_TEST_TMPDIR/out irq before after name delta count checked=0 missed
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^Tracing hard IRQ handlers'
	irq_totals >"$BATS_TEST_TMPDIR/before"
	disk_io
	irq_totals >"$BATS_TEST_TMPDIR/after"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$out")
	assert_output --regexp $'\nIRQ +HANDLER +COUNT +TOTAL_usecs +AVG_nsecs\n'
	# Runs the kernel skipped (the IRQ came while another BPF program ran
	# on that CPU) are reported: a row may be short by at most that many.
	missed=$(sed -n 's/^hardirqs: hardirq_[a-z]* missed \([0-9]*\) runs .*/\1/p' "$out" |
		awk '{ n += $1 } END { print n + 0 }')
	while read -r irq before after name; do
		delta=$((after - before))
		[ "$delta" -gt 0 ] || continue
		count=$(awk -v irq="$irq" -v name="$name" \
			'$1 == irq && $2 == name { print $3 }' "$out")
		[ -n "$count" ] || fail "IRQ $irq ($name) grew by $delta but is not in:
$output"
		[ "$((count + missed))" -ge "$delta" ] ||
			fail "IRQ $irq ($name): printed count $count (+ $missed missed runs) < /proc/interrupts growth $delta"
		checked=$((checked + 1))
	done < <(join "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" |
		awk '{ print $1, $2, $4, $5 }')
	[ "$checked" -gt 0 ] ||
		skip "no handler-based IRQ grew in /proc/interrupts during the run"
}

@test "time is measured: the busiest rows have a non-zero total and average" {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^Tracing hard IRQ handlers'
	disk_io
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	# Rows: IRQ NAME COUNT TOTAL_usecs AVG_nsecs; the average of a real
	# handler is at least a few hundred ns, and avg = total / count.
	run awk '$1 ~ /^[0-9]+$/ && NF == 5 && $3 > 0 {
		rows++
		if ($5 == 0) bad = bad " " $1
		if (int($3 * $5 / 1000) > $4 + 1 || int($3 * $5 / 1000) + $3 < $4) bad = bad " " $1
	} END { if (!rows) print "no rows"; else if (bad) print "bad rows:" bad }' "$out"
	assert_output ""
}

@test "-i 1 -d 3: a timestamped table per second, then exit 0 by itself" {
	run "$BIN" -i 1 -d 3
	assert_success
	assert_line --index 0 "Tracing hard IRQ handlers, a table every 1 s. Ctrl-C to stop."
	local tables
	tables=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$output")
	assert [ "$tables" -ge 2 ]
	assert_equal "$(grep -c '^IRQ ' <<<"$output")" "$tables"
}

@test "the stats map is per-CPU; Ctrl-C detaches both programs" {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^Tracing hard IRQ handlers'
	run "$BPFTOOL" map show name stats
	assert_output --partial percpu_hash
	run "$BPFTOOL" prog show name hardirq_entry
	assert_output --partial tracepoint
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name hardirq_exit)\" ]" ||
		fail "hardirq_exit still loaded"
}

@test "bad -i: clear error, non-zero exit" {
	run "$BIN" -i 0
	assert_bad_input "hardirqs: invalid interval '0': out of range 1..2147483647"
	run "$BIN" -i often
	assert_bad_input "hardirqs: invalid interval 'often': want a whole number from 1 to 2147483647"
}

@test "not root: clear error, nothing loaded" {
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
