#!/usr/bin/env bats
# Exercise 37 (README "Exercise"): allocations per migratetype, in a
# 6-slot ARRAY by_migratetype filled by both programs, printed as
# "by migratetype: 0=N ... 5=N".  Checked against the kernel's own record
# of the same tracepoint for a dd we start (a private tracefs instance
# filtered to its PID), whose lines carry migratetype=N.
load ../../tests/lib
load layout

BIN=$OUT/tracepoint_in_c
TRACEFS=/sys/kernel/tracing

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	INST=$TRACEFS/instances/lsn37x_$$_${BATS_TEST_NUMBER}
}
teardown() {
	if [ -d "$INST" ]; then
		echo 0 >"$INST/events/kmem/mm_page_alloc/enable"
		rmdir "$INST"
	fi
	lesson_teardown
}

# by_migratetype CTX: one dd, counted by the lesson and by tracefs.
by_migratetype() {
	local want m
	gated dd 'exec dd if=/dev/zero of=/dev/null bs=16M count=1 status=none'
	mkdir "$INST"
	echo 4096 >"$INST/buffer_size_kb"
	echo "common_pid == $GATED_PID" >"$INST/events/kmem/mm_page_alloc/filter"
	echo 1 >"$INST/events/kmem/mm_page_alloc/enable"
	start_bin '^mm_page_alloc: ' --ctx "$1" -p "$GATED_PID"
	run "$BPFTOOL" map show name by_migratetype
	assert_output --regexp '^[0-9]+: array +name by_migratetype +flags'
	assert_output --partial "max_entries 6"
	release -w dd
	echo 0 >"$INST/events/kmem/mm_page_alloc/enable"
	stop_bg_output "$T/out"
	want="by migratetype:"
	for m in 0 1 2 3 4 5; do
		want+=" $m=$(grep -c " migratetype=$m " "$INST/trace" || true)"
	done
	assert_equal "$(grep '^by migratetype:' <<<"$output" | tail -1)" "$want"
	# dd's buffer is user memory: movable, at least 4096 pages of it (in
	# fewer allocations where transparent huge pages serve it: order 9).
	assert [ "$(grep ' migratetype=1 ' "$INST/trace" | trace_pages)" -ge 4096 ]
}

@test "hand-built context: dd's allocations per migratetype equal the tracepoint's own" {
	[ -z "$MISFIT" ] || skip "this kernel's mm_page_alloc record is not the hand-built struct's ($MISFIT)"
	by_migratetype format
}

@test "vmlinux.h context (CO-RE): the same per-migratetype counts" {
	require_feature btf
	by_migratetype vmlinux
}
