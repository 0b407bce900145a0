#!/usr/bin/env bats
# Exercise 02 (README "Exercise"): a PUID column, the parent's real UID, read
# with one more BPF_CORE_READ; checked against parents whose UID we choose.
load ../../tests/lib

BIN=$OUT/portable

setup() { lesson_setup; }
teardown() { lesson_teardown; }

@test "-v: libbpf relocates task_struct.cred and cred.uid too" {
	run "$BIN" -v -d 1
	assert_success
	assert_output --regexp "struct task_struct\.cred \(0:[0-9]+ @ offset [0-9]+\)"
	assert_output --regexp "struct cred\.uid"
}

@test "the header is 'PID PPID PUID COMM'; a root parent shows PUID 0, a parent running as 65534 shows 65534" {
	local out=$BATS_TEST_TMPDIR/out pid ppid
	start_bg "$out" "$BIN"
	wait_for_line "$out" '^PID +PPID +PUID +COMM$' 3
	/bin/true &
	pid=$!
	wait "$pid"
	wait_for_line "$out" "^$pid +$BASHPID +0 +true$" 3
	# A parent with UID 65534: it reports its own PID and its child's.
	# shellcheck disable=SC2016 # the unprivileged shell expands these
	read -r pid ppid < <(setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c '/bin/true & echo "$! $$"; wait')
	wait_for_line "$out" "^$pid +$ppid +65534 +true$" 3
}
