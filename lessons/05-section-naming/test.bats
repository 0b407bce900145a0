#!/usr/bin/env bats
# Lesson 05: the section listing against llvm-readelf and bpftool; globals
# in .rodata/.data/.bss/.data.counters read back for a process we drive.
load ../../tests/lib

BIN=$OUT/section_naming
OBJ=$OUT/section_naming.bpf.o
K=5

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# start_target: a shell held until `release target`, then calls kill(2)
# K times with signal 0 and once with SIGWINCH (ignored), then exits.
start_target() {
	gated target 'for ((i = 0; i < $1; i++)); do kill -0 $$; done
		kill -s WINCH $$' "$K"
	TARGET=$GATED_PID
}

# start_counter ARGS...: run the loader until its first row is printed.
start_counter() {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^KILL_CALLS'
	wait_for_line "$BATS_TEST_TMPDIR/out" '^[0-9]'
}

# our_map NAME: id of the map NAME used by our count_kill program.
our_map() {
	local id
	for id in $("$BPFTOOL" prog show name count_kill | sed -n 's/.*map_ids //p' | tr , ' '); do
		if "$BPFTOOL" map show id "$id" | grep -q "name $1 "; then
			echo "$id"
		fi
	done
}

@test "every ELF section is listed with llvm-readelf's size, and programs by section kind" {
	run "$BIN" -d 1
	assert_success
	local name size n=0
	while read -r name size; do
		assert_line --regexp "^$(sed 's/[].?*[]/\\&/g' <<<"$name") +[A-Z]+ +$((16#$size))  "
		n=$((n + 1))
	done < <(elf_read -S --wide "$OBJ" | awk '/^ +\[ *[0-9]+\] [^ ]/ && $3 != "NULL" {
		sub(/^ +\[ *[0-9]+\] /, ""); print $1, $5 }')
	assert [ "$n" -ge 14 ]
	assert_line --regexp "^tp/syscalls/sys_enter_kill +PROGBITS +[0-9]+  program count_kill: tracepoint$"
	assert_line --regexp "^raw_tp/sys_enter +PROGBITS +[0-9]+  program count_syscalls: raw_tracepoint$"
	assert_line --regexp "^socket +PROGBITS +[0-9]+  program keep_all: socket_filter$"
	assert_line --regexp '^\?kprobe/do_nanosleep +PROGBITS +[0-9]+  program on_nanosleep: kprobe, not loaded \("\?"\)$'
	assert_line --regexp "^\.maps +PROGBITS +[0-9]+  BTF-defined maps: signals \(hash\)$"
	assert_line --regexp "^\.bss +NOBITS +8  global data: map section_\.bss "
	assert_line --regexp "^\.data\.counters +PROGBITS +8  global data: map \.data\.counters "
}

@test "the kernel agrees: program types, and the ? program is not loaded" {
	start_counter
	run "$BPFTOOL" prog show name count_kill
	assert_output --regexp "^[0-9]+: tracepoint +name count_kill "
	run "$BPFTOOL" prog show name count_syscalls
	assert_output --regexp "^[0-9]+: raw_tracepoint +name count_syscalls "
	run "$BPFTOOL" prog show name keep_all
	assert_output --regexp "^[0-9]+: socket_filter +name keep_all "
	run "$BPFTOOL" prog show name on_nanosleep
	assert_output ""
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test ".rodata is set before load: bpftool sees target_tgid, frozen and read-only" {
	start_target
	start_counter -p "$TARGET"
	local id
	id=$(our_map section_.rodata)
	run "$BPFTOOL" map show id "$id"
	assert_output --partial "flags 0x480"	# BPF_F_RDONLY_PROG | BPF_F_MMAPABLE
	assert_output --partial "frozen"
	run "$BPFTOOL" map dump id "$id"
	assert_output --regexp "\"target_tgid\": $TARGET"
	# Frozen: not even root can change it now.
	run "$BPFTOOL" map update id "$id" key 0 0 0 0 value 1 0 0 0
	assert_failure
	stop_bg "$BG_PID" INT
}

@test "globals read back while running: exact kill() count, last signal, syscalls" {
	# Noise: another process calling kill(2) that the .rodata filter must hide.
	bash -c 'while :; do kill -0 $$; sleep 0.01; done' 3>&- &
	_BG_PIDS+=("$!")
	start_target
	start_counter -p "$TARGET"
	local out=$BATS_TEST_TMPDIR/out
	# Nothing yet: .bss starts at 0, .data at its initial value -1.
	assert_equal "$(grep -m1 '^[0-9]' "$out" | awk '{ print $1, $3 }')" "0 -1"
	release target
	wait_for_line "$out" "^$((K + 1)) +[0-9]+ +28$"
	# bpftool reads the same memory through the map: the independent view.
	run "$BPFTOOL" map dump id "$(our_map .data.counters)"
	assert_output --regexp "\"kill_calls\": $((K + 1))"
	run "$BPFTOOL" map dump id "$(our_map section_.data)"
	assert_output --regexp "\"last_signal\": 28"
	run "$BPFTOOL" map dump id "$(our_map signals)"
	assert_output --regexp '"key": 0,[[:space:]]+"value": '"$K"
	assert_output --regexp '"key": 28,[[:space:]]+"value": 1'
	wait "$TARGET"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	local final
	final=$(grep '^Final: ' "$out")
	assert_equal "$(awk '{ print $2, $4 }' <<<"$final")" "$((K + 1)) 28"
	assert [ "$(awk '{ print $3 }' <<<"$final")" -ge $((K + 1)) ]
}

@test ".data written while running: SIGUSR1 pauses counting, the programs see it at once" {
	local out=$BATS_TEST_TMPDIR/out done=$BATS_TEST_TMPDIR/phase1 gate2=$BATS_TEST_TMPDIR/gate2
	mkfifo "$gate2"
	# Phase 1: K kill(2) calls, then a mark file; phase 2 (after gate2): K more and a SIGWINCH.
	# shellcheck disable=SC2016 # the gated shell expands these
	gated target 'for ((i = 0; i < $1; i++)); do kill -0 $$; done
		: >"$2"; read -r _ <"$3"
		for ((i = 0; i < $1; i++)); do kill -0 $$; done; kill -s WINCH $$' "$K" "$done" "$gate2"
	TARGET=$GATED_PID
	start_counter -p "$TARGET"
	kill -USR1 "$BG_PID"
	wait_for_line "$out" '^SIGUSR1: counting off \(\.data counting = 0\)$'
	run "$BPFTOOL" map dump name section_.data
	assert_output --regexp '"counting": false'
	release target
	wait_until 5 test -e "$done" || fail "the target did not finish phase 1"
	# Paused: the kernel-side counters did not move for any of it.
	run "$BPFTOOL" map dump name .data.counters
	assert_output --regexp '"kill_calls": 0'
	run "$BPFTOOL" map dump name section_.bss
	assert_output --regexp '"syscalls": 0'
	kill -USR1 "$BG_PID"
	wait_for_line "$out" '^SIGUSR1: counting on \(\.data counting = 1\)$'
	echo go >"$gate2"
	wait "$TARGET"
	# Phase 2 alone is counted: K + 1 kill() calls, the last one SIGWINCH.
	run "$BPFTOOL" map dump name .data.counters
	assert_output --regexp "\"kill_calls\": $((K + 1))"
	# The target is gone, .bss is still: the skeleton's mmap()ed read equals bpftool's.
	local sys
	sys=$("$BPFTOOL" -j map dump name section_.bss | jq '.[0].formatted.value[".bss"][0].syscalls // .[0].value[".bss"][0].syscalls')
	assert [ "$sys" -ge $((K + 1)) ]
	wait_for_line "$out" "^$((K + 1)) +$sys +28$" 3
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "bad -p: clear error, non-zero exit" {
	run "$BIN" -p notapid
	assert_bad_input "section_naming: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "nothing stays loaded after SIGTERM" {
	start_counter
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name count_syscalls)\" ]" ||
		fail "count_syscalls still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
