#!/usr/bin/env bats
# Lesson 37: page allocations by a process we control (a gated dd that
# reads 16 MiB into its buffer), counted by the lesson and, independently,
# by the kernel's own tracing of the same event in a private tracefs
# instance filtered to the same PID.
load ../../tests/lib
load layout

BIN=$OUT/tracepoint_in_c
TRACEFS=/sys/kernel/tracing

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	INST=$TRACEFS/instances/lsn37_$$_${BATS_TEST_NUMBER}
}
teardown() {
	if [ -d "$INST" ]; then
		echo 0 >"$INST/events/kmem/mm_page_alloc/enable"
		rmdir "$INST"
	fi
	lesson_teardown
}

start() { start_bin '^mm_page_alloc: ' "$@"; }

# last ALLOCS|PAGES: the last count it printed.
last() {
	local f=2
	[ "$1" = PAGES ] && f=4
	grep '^mm_page_alloc: ' <<<"$output" | tail -1 | cut -d' ' -f"$f"
}

# trace_pid PID: the kernel's own record of mm_page_alloc for PID, in a
# tracefs instance of our own (the global trace buffer stays untouched).
trace_pid() {
	mkdir "$INST"
	echo 4096 >"$INST/buffer_size_kb"
	echo "common_pid == $1" >"$INST/events/kmem/mm_page_alloc/filter"
	echo 1 >"$INST/events/kmem/mm_page_alloc/enable"
}

# compare CTX: one dd, counted by both; the counts must be equal.
compare() {
	local written inbuf allocs pages
	gated dd 'exec dd if=/dev/zero of=/dev/null bs=16M count=1 status=none'
	trace_pid "$GATED_PID"
	start --ctx "$1" -p "$GATED_PID"
	release -w dd
	assert_equal "$STATUS" 0
	echo 0 >"$INST/events/kmem/mm_page_alloc/enable"
	stop_bg_output "$T/out"
	# The instance kept every event it wrote (none overwritten)...
	read -r inbuf written < <(sed -n 's|^# entries-in-buffer/entries-written: \([0-9]*\)/\([0-9]*\).*|\1 \2|p' "$INST/trace")
	assert_equal "$inbuf" "$written"
	allocs=$(grep -c ' mm_page_alloc: ' "$INST/trace")
	pages=$(trace_pages <"$INST/trace")
	assert_equal "$allocs" "$written"
	# ...and a 16 MiB buffer is at least 4096 pages, faulted in by dd (in
	# fewer allocations where transparent huge pages serve it: order 9).
	assert [ "$pages" -ge 4096 ]
	# Both saw the whole life of the process: the bound is zero.
	assert_equal "$(last ALLOCS)" "$allocs"
	assert_equal "$(last PAGES)" "$pages"
}

@test "hand-built context: dd's page allocations, equal to the tracepoint's own count" {
	if [ -n "$MISFIT" ]; then
		run "$BIN" -d 1
		assert_failure 1
		assert_output --partial "$MISFIT: fix the struct, or use --ctx vmlinux"
		skip "this kernel's mm_page_alloc record is not the hand-built struct's ($MISFIT): refused, as checked"
	fi
	compare format
	assert_line --index 0 "Checked $TRACEFS/events/kmem/mm_page_alloc/format: 5 fields at the offsets struct mm_page_alloc_args uses."
	assert_line --index 1 "Counting kmem/mm_page_alloc for one PID with the hand-built struct mm_page_alloc_args. Ctrl-C to stop."
}

@test "vmlinux.h context (CO-RE): the same, equal count" {
	require_feature btf
	compare vmlinux
	assert_line --index 0 "Counting kmem/mm_page_alloc for one PID with vmlinux.h's trace_event_raw_mm_page_alloc. Ctrl-C to stop."
}

@test "unfiltered: the count rises by at least what a workload allocates" {
	start "${CTX[@]}"
	dd if=/dev/zero of=/dev/null bs=16M count=1 status=none
	stop_bg_output "$T/out"
	assert [ "$(last PAGES)" -ge 4096 ]
	assert [ "$(last PAGES)" -ge "$(last ALLOCS)" ]
}

@test "a struct that disagrees with the format file is refused, with the offsets" {
	# A format file where order moved, bind-mounted over the real one in a
	# private mount namespace: only this loader sees it.
	local fmt=$TRACEFS/events/kmem/mm_page_alloc/format
	sed 's/offset:16;/offset:20;/' "$fmt" >"$T/format"
	run unshare --mount bash -c "mount --bind '$T/format' '$fmt' && exec '$BIN' -d 1"
	assert_failure 1
	assert_output --partial "order is at offset 20 size 4, struct mm_page_alloc_args has offset 16 size 4: fix the struct, or use --ctx vmlinux"
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" --ctx btf
	assert_failure 64
	assert_line --index 0 "tracepoint_in_c: invalid context 'btf': want one of format, vmlinux"
	run "$BIN" -p notapid
	assert_failure 64
	assert_line --index 0 "tracepoint_in_c: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" --what
	assert_failure 64
	cp "$BIN" "$T/tracepoint_in_c"
	chmod 755 "$T" "$T/tracepoint_in_c"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/tracepoint_in_c"
	assert_failure 1
	assert_output --partial "tracepoint_in_c: must run as root"
}

@test "SIGINT/SIGTERM detach everything: no program of ours stays loaded" {
	local prog=page_alloc_format
	[ -z "$MISFIT" ] || prog=page_alloc_btf
	start "${CTX[@]}"
	run "$BPFTOOL" prog show name "$prog"
	assert_output --partial tracepoint
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	start --ctx vmlinux
	stop_bg_output "$T/out"
	wait_until 10 bash -c "! $BPFTOOL prog show | grep -qE 'name page_alloc_'" ||
		fail "still loaded: $($BPFTOOL prog show | grep page_alloc_)"
}

@test "every command in the README's Run it section works as written" {
	local cmd n=0
	cd "$ROOT"
	while IFS= read -r cmd; do
		n=$((n + 1))
		run timeout -s INT $((5 * LESSON_SLOW)) bash -c "$cmd" 3>&-
		if [ -n "$MISFIT" ] && [[ $cmd != *"--ctx vmlinux"* ]]; then
			# The README: refused where the record differs, naming it.
			[ "$status" -ne 0 ] || fail "'$cmd' ran with a misfit struct: $output"
			assert_output --partial "$MISFIT: fix the struct, or use --ctx vmlinux"
			continue
		fi
		[ "$status" -eq 0 ] || [ "$status" -eq 124 ] || fail "'$cmd' exited $status: $output"
		assert_output --regexp "mm_page_alloc: [0-9]+ allocations, [0-9]+ pages"
	done < <(readme_cmds)
	assert [ "$n" -ge 3 ]
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
