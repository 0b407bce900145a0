#!/usr/bin/env bats
# Exercise 06 (README "Exercise"): the demo picks its hook by probing, and
# the picked one counts the loader's own sleeps.  The expected pick comes
# from the kernel's kprobe PMU in sysfs, not from our own probe.
load ../../tests/lib

BIN=$OUT/feature_detection
PMU=/sys/bus/event_source/devices

setup() {
	lesson_setup
	require_feature tracepoint
}
teardown() { lesson_teardown; }

@test "the demo prints which hook it picked: the kprobe where kprobes exist, else the clock_nanosleep tracepoint" {
	run "$BIN"
	assert_success
	if [ -e "$PMU/kprobe" ]; then
		assert_line "demo: picked kprobe do_nanosleep"
	else
		assert_line "demo: picked tracepoint syscalls/sys_enter_clock_nanosleep"
	fi
}

@test "the picked hook sees exactly the loader's 3 sleeps" {
	run "$BIN"
	assert_success
	assert_line "demo: the probe saw 3 of our 3 sleeps"
}
