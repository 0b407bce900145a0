#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The kernel matrix's own test: where this kernel lacks a feature, each test
# skips with "kernel lacks ..." and `make test` re-runs it in a VM
# (tools/vmtest), where Debian's kernels have it: there it must attach for
# real.  A pass here in build/test-results/6.1/ proves the re-run path works.
load ../lib

@test "kprobe and kretprobe programs attach" {
	require_feature kprobe kretprobe
	run "$FEATPROBE" kprobe kretprobe
	assert_success
	assert_line "kprobe: supported"
	assert_line "kretprobe: supported"
}

@test "fentry and fexit programs attach" {
	require_feature fentry fexit
	run "$FEATPROBE" fentry fexit
	assert_success
	assert_line "fentry: supported"
	assert_line "fexit: supported"
}

@test "LSM programs attach" {
	require_feature lsm
	run "$FEATPROBE" lsm
	assert_success
	assert_output "lsm: supported"
}
