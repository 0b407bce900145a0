#!/usr/bin/env bats
# Lesson 34: execve() calls made by a process whose name we choose (a copy
# of bash called "execloop" that runs /bin/true N times), counted by the
# lesson in each map flavour, on whichever path this kernel allows.  Oracles:
# N itself (we make exactly N execve calls under that name), bpftool on the
# pinned map after the loader has gone.
load ../../tests/lib

BIN=$OUT/kprobe_counter
PIN=/sys/fs/bpf/kprobe_counter

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	# Every fork of this shell is called "execloop" until it execs /bin/true.
	cp /bin/bash "$T/execloop"
}
teardown() {
	# A pin outlives the loader by design: never leave one behind.
	rm -rf "$PIN"
	lesson_teardown
}

# execs N: exactly N execve() calls by processes named execloop.  (The exec
# of execloop itself is made by this shell, named bash.)
execs() {
	"$T/execloop" -c "for ((i = 0; i < $1; i++)); do /bin/true; done" 3>&-
}

# start ARGS...: the loader in the background, until its first count.
start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^execve calls: '
}

# stop: SIGINT; output/lines are what it printed; COUNT its last count.
stop() {
	stop_bg_output "$T/out"
	COUNT=$(sed -n 's/^execve calls: \([0-9]*\).*/\1/p' <<<"$output" | tail -1)
}

# first_count: the count it printed right after attaching.
first_count() { sed -n 's/^execve calls: \([0-9]*\).*/\1/p' <<<"$output" | head -1; }

# exact ARGS...: 25 execs by execloop are counted as exactly 25.
exact() {
	start -c execloop "$@"
	execs 25
	stop
	assert_equal "$(first_count)" 0
	assert_equal "$COUNT" 25
}

@test "auto: exactly N execs by a name we control; every caller counts at least N" {
	local all
	start_bg "$T/all" "$BIN"
	all=$BG_PID
	wait_for_line "$T/all" '^execve calls: '
	exact
	BG_PID=$all
	stop_bg_output "$T/all"
	COUNT=$(sed -n 's/^execve calls: \([0-9]*\).*/\1/p' <<<"$output" | tail -1)
	assert [ "$COUNT" -ge 25 ]
}

@test "--percpu: a PERCPU_ARRAY, its CPUs' slots summed to exactly N" {
	exact --percpu
	assert_line --regexp "^Counting .* PERCPU_ARRAY map"
	# The total is the sum of the per-CPU parts it printed.
	local last
	last=$(grep '^execve calls: ' <<<"$output" | tail -1)
	assert_equal "$(grep -o 'cpu[0-9]*=[0-9]*' <<<"$last" | awk -F= '{ s += $2 } END { print s }')" 25
}

@test "--mode tracepoint: all three map flavours count exactly N" {
	exact -m tracepoint
	assert_line --index 0 "Counting execve() by execloop with the sys_enter_execve tracepoint in an ARRAY map. Ctrl-C to stop."
	exact -m tracepoint --percpu
	exact -m tracepoint --pin
	assert_line "Map exec_count: created and pinned $PIN/exec_count"
}

@test "--mode kprobe: ksyscall/execve, all three map flavours count exactly N" {
	require_feature kprobe
	start -m kprobe
	run "$BPFTOOL" prog show name execve_kprobe
	assert_output --partial kprobe
	stop
	exact -m kprobe
	assert_line --index 0 "Counting execve() by execloop with a kprobe (ksyscall/execve) in an ARRAY map. Ctrl-C to stop."
	exact -m kprobe --percpu
	exact -m kprobe --pin
}

@test "auto: the path taken and the reason for a fallback match the kernel probe" {
	local why
	why=$(probe_reason kprobe) || why=
	start
	stop
	if [ -z "$why" ]; then
		assert_line --index 0 "Counting execve() with a kprobe (ksyscall/execve) in an ARRAY map. Ctrl-C to stop."
	else
		assert_line --index 0 "kprobe_counter: kprobes unavailable ($why): falling back to the$(
			) syscalls/sys_enter_execve tracepoint"
		assert_line --index 1 "Counting execve() with the sys_enter_execve tracepoint in an ARRAY map. Ctrl-C to stop."
		run "$BIN" -m kprobe
		assert_failure 1
		assert_output "kprobe_counter: kprobe mode unavailable: $why"
	fi
}

@test "--pin: the second run starts from the first run's count; --unpin removes it" {
	start -c execloop --pin
	execs 7
	stop
	assert_line "Map exec_count: created and pinned $PIN/exec_count"
	assert_equal "$COUNT" 7
	# The loader is gone; the pin holds the map and its value.
	run "$BPFTOOL" -j map lookup pinned "$PIN/exec_count" key 0 0 0 0
	assert_success
	assert_equal "$(jq .formatted.value <<<"$output")" 7
	start -c execloop --pin
	execs 5
	stop
	assert_line "Map exec_count: reused pin $PIN/exec_count"
	assert_equal "$(first_count)" 7
	assert_equal "$COUNT" 12
	# --percpu pins its own map beside it, and continues it the same way.
	start -c execloop --pin --percpu
	execs 3
	stop
	start -c execloop --pin --percpu
	stop
	assert_equal "$(first_count)" 3
	run "$BIN" --unpin
	assert_success
	assert_output "Removed $PIN/exec_count
Removed $PIN/exec_count_percpu"
	assert_not_exists "$PIN"
	run "$BIN" --unpin
	assert_output "Nothing pinned in $PIN"
}

@test "bad input: one clear line, exit 64; not root: exit 1" {
	run "$BIN" -m sometimes
	assert_failure 64
	assert_line --index 0 "kprobe_counter: invalid mode 'sometimes': want one of auto, kprobe, tracepoint"
	run "$BIN" -c averyveryverylongname
	assert_failure 64
	assert_line --index 0 "kprobe_counter: invalid COMM 'averyveryverylongname': names are 1 to 15 characters"
	run "$BIN" -c ''
	assert_failure 64
	run "$BIN" -d soon
	assert_failure 64
	run "$BIN" --no-such-option
	assert_failure 64
	cp "$BIN" "$T/kprobe_counter"
	chmod 755 "$T" "$T/kprobe_counter"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/kprobe_counter"
	assert_failure 1
	assert_output --partial "kprobe_counter: must run as root"
}

@test "SIGINT/SIGTERM detach everything: no program of ours stays loaded" {
	start --percpu
	run "$BPFTOOL" prog show
	assert_output --regexp "name (execve_tp|execve_kprobe) "
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	start
	stop
	wait_until 10 bash -c "! $BPFTOOL prog show | grep -qE 'name (execve_tp|execve_kprobe) '" ||
		fail "still loaded: $($BPFTOOL prog show | grep -E 'execve_(tp|kprobe)')"
}

@test "every command in the README's Run it section works as written" {
	local n
	readme_run 4
	for n in "${!README_RAN[@]}"; do
		run cat "$BATS_TEST_TMPDIR/readme-$n.out"
		case ${README_RAN[n]} in
		*--unpin*) assert_output --partial "Removed $PIN/exec_count" ;;
		*) assert_output --regexp "execve calls: [0-9]+" ;;
		esac
	done
	assert [ "${#README_RAN[@]}" -ge 4 ]
	assert_not_exists "$PIN"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
