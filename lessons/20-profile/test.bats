#!/usr/bin/env bats
# Lesson 20: folded stacks of processes we start, checked against what they
# run (busy spins in burn_cpu(), dd reads /dev/zero), their CPU time from
# /proc/PID/schedstat, and /proc/kallsyms.
load ../../tests/lib

BIN=$OUT/profile
BUSY=$OUT/busy

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# folded FILE: the folded-stack lines of FILE (status lines go to stderr,
# which start_bg mixes in: "Sampling ..." and "profile: ...").
folded() { grep -vE '^(Sampling |profile: )' "$1" || true; }

# fsum FILE REGEX: total samples of the folded lines matching REGEX (passed
# through the environment: awk -v would eat its backslashes).
fsum() {
	folded "$1" | re="$2" awk '$0 ~ ENVIRON["re"] { s += $NF } END { print s + 0 }'
}

# cpu_ns PID: nanoseconds PID has run on a CPU (first field of schedstat).
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }

@test "-p: burn_cpu() is on top of busy's samples, which match its CPU time at -F" {
	local busy c_out c0 c1 c_end total burn low high
	start_bg "$T/busy.out" "$BUSY" 60
	busy=$BG_PID
	c_out=$(cpu_ns "$busy")
	start_bg "$T/out" "$BIN" -p "$busy" -F 200
	wait_for_line "$T/out" "^Sampling PID $busy at 200 Hz on [0-9]+ CPUs\. Ctrl-C to end\.$"
	c0=$(cpu_ns "$busy")
	sleep 2
	c1=$(cpu_ns "$busy")
	stop_bg_output "$T/out"
	c_end=$(cpu_ns "$busy")
	kill "$busy"

	# Only busy's samples, and its summary line adds them up.
	total=$(fsum "$T/out" '.')
	assert_equal "$(fsum "$T/out" '^busy;')" "$total"
	assert_line --regexp "^profile: $total samples in [0-9]+ stacks$"
	# Root first: libc's start code, main, then the spinning function.
	burn=$(fsum "$T/out" '^busy;(.*;)?main;burn_cpu( |;)')
	[ $((burn * 10)) -ge $((total * 9)) ] ||
		fail "burn_cpu in only $burn of $total samples:
$output"
	# cpu-clock fires every 1/200 s on each CPU and charges the task on it:
	# samples = 200 x CPU seconds, give or take the edges.  The profiler
	# sampled through [c0, c1] (lower bound) and within [c_out, c_end].
	low=$(((c1 - c0) * 200 * 9 / 10 / 1000000000 - 5))
	high=$(((c_end - c_out) * 200 * 11 / 10 / 1000000000 + 5))
	[ "$total" -ge "$low" ] && [ "$total" -le "$high" ] ||
		fail "$total samples, want $low..$high from schedstat"
}

@test "kernel stacks: dd's reads of /dev/zero go through vfs_read; every _[k] frame is in kallsyms" {
	local dd
	start_bg "$T/dd.out" dd if=/dev/zero of=/dev/null bs=64k
	dd=$BG_PID
	run "$BIN" -p "$dd" -F 199 -d 2
	assert_success
	echo "$output" >"$T/all"
	assert [ "$(fsum "$T/all" '^dd;(.*;)?vfs_read_\[k\];')" -gt 0 ]
	# Every kernel frame names a kernel text symbol.
	folded "$T/all" | sed 's/ [0-9]*$//' | tr ';' '\n' | sed -n 's/_\[k\]$//p' |
		sort -u >"$T/kframes"
	assert [ -s "$T/kframes" ]
	awk '$2 ~ /^[tTwW]$/ { print $3 }' /proc/kallsyms | sort -u >"$T/ktext"
	run comm -23 "$T/kframes" "$T/ktext"
	assert_output ""

	# -K: kernel frames only; -U: user frames only.
	run "$BIN" -p "$dd" -K -d 1
	assert_success
	echo "$output" >"$T/k"
	assert [ "$(fsum "$T/k" '_\[k\]')" -gt 0 ]
	run bash -c "grep -vE '^(Sampling |profile: )' '$T/k' | sed 's/ [0-9]*\$//' |
		tr ';' '\n' | grep -vxE 'dd|.*_\[k\]'"
	assert_output ""
	run "$BIN" -p "$dd" -U -d 1
	assert_success
	echo "$output" >"$T/u"
	assert [ "$(fsum "$T/u" '^dd;')" -gt 0 ]
	assert_equal "$(fsum "$T/u" '_\[k\]')" 0
	kill "$dd"
}

@test "every process: busy is there by name, idle CPUs (swapper) are not" {
	local busy
	start_bg "$T/busy.out" "$BUSY" 60
	busy=$BG_PID
	run "$BIN" -F 99 -d 2
	assert_success
	assert_line --index 0 --regexp '^Sampling every process at 99 Hz on [0-9]+ CPUs\. Ctrl-C to end\.$'
	echo "$output" >"$T/all"
	assert [ "$(fsum "$T/all" '^busy;(.*;)?main;burn_cpu( |;)')" -gt 0 ]
	refute_line --regexp '^swapper'
	kill "$busy"
}

@test "bad input: one line, exit 64; not root: exit 1" {
	run "$BIN" -x
	assert_equal "$status" 64
	run "$BIN" -p notapid
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "profile: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -p 2147483647
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "profile: invalid PID '2147483647': no such process"
	run "$BIN" -F 0
	assert_equal "$status" 64
	assert_equal "${lines[0]}" \
		"profile: invalid frequency '0': out of range 1..$(cat /proc/sys/kernel/perf_event_max_sample_rate)"
	run "$BIN" -F fast
	assert_equal "$status" 64
	assert_line --index 0 --partial "profile: invalid frequency 'fast': want a whole number"
	run "$BIN" -U -K
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "profile: invalid options '-U -K': pick at most one"
	cp "$BIN" "$T/profile"
	chmod 755 "$T" "$T/profile"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/profile" -d 1
	assert_equal "$status" 1
	assert_output "profile: must run as root (needs CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN): try sudo"
}

# perf_links PROG_ID: how many perf_event links hold that program.
perf_links() {
	"$BPFTOOL" -j link show |
		jq --argjson id "$1" '[.[] | select(.type == "perf_event" and .prog_id == $id)] | length'
}

# perf_fds PID: how many perf events that process holds open.
perf_fds() {
	find "/proc/$1/fd" -lname 'anon_inode:\[perf_event\]' | wc -l
}

@test "SIGINT and SIGTERM detach the program from every CPU's perf event" {
	local sig id
	for sig in INT TERM; do
		start_bg "$T/out" "$BIN" -F 99
		wait_for_line "$T/out" '^Sampling every process'
		id=$("$BPFTOOL" -j prog show name do_sample | jq -r '.id')
		assert_equal "$("$BPFTOOL" -j prog show id "$id" | jq -r .type)" perf_event
		# One perf event per online CPU carries our program.  Since 5.15
		# libbpf attaches it with a BPF link, which bpftool shows; before,
		# with an ioctl on the event, and only the loader's fds show it.
		assert_equal "$(perf_fds "$BG_PID")" "$(getconf _NPROCESSORS_ONLN)"
		if has_feature perf_link; then
			assert_equal "$(perf_links "$id")" "$(getconf _NPROCESSORS_ONLN)"
		fi
		stop_bg "$BG_PID" "$sig" # sets STATUS
		assert_equal "$STATUS" 0
		wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name do_sample)\" ]" ||
			fail "do_sample still loaded after SIG$sig"
		assert_equal "$(perf_links "$id")" 0
	done
}

@test "README: the Run it commands work as written" {
	local cmds busy
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 4
	cd "$ROOT"
	run timeout -s INT 120 bash -c "${cmds[0]}"
	assert_success
	assert_line --regexp '^Sampling every process at 99 Hz'
	assert_line --regexp '^profile: [0-9]+ samples in [0-9]+ stacks$'
	# busy in one terminal, the profiler in another.
	start_bg "$T/busy.out" bash -c "${cmds[1]}"
	busy=$BG_PID
	wait_until 10 pgrep -n busy
	run timeout -s INT 30 bash -c "${cmds[2]}"
	assert_success
	assert_line --regexp '^busy;(.*;)?main;burn_cpu [0-9]+$'
	# Its 10 s may be over already (a slow, emulated machine).
	kill "$busy" 2>/dev/null || true
	rm -f /tmp/profile.folded
	run timeout -s INT 30 bash -c "${cmds[3]}"
	assert_success
	assert_file_exists /tmp/profile.folded
	run grep -c '_\[k\]' /tmp/profile.folded
	assert_output 0
	rm -f /tmp/profile.folded
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
