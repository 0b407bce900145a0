#!/usr/bin/env bats
# Lesson 06: feature probes, checked against bpftool's own probes and against
# what the kernel exposes (the kprobe/uprobe PMUs in sysfs).
load ../../tests/lib

BIN=$OUT/feature_detection
PMU=/sys/bus/event_source/devices

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# bpftool_types KIND: "NAME yes|no" per program_type / map_type bpftool probed.
bpftool_types() {
	sed -n "s/^eBPF $1 \([a-z0-9_]*\) is \(NOT \)\{0,1\}available$/\1 \2/p" "$BT" |
		awk '{ print $1, ($2 == "NOT" ? "no" : "yes") }' | LC_ALL=C sort
}

# ours KIND: the same list from the lesson's report.
ours() {
	sed -n "s/^$1 \([a-z0-9_]*\): \([a-z]*\).*/\1 \2/p" "$REPORT" |
		awk '{ print $1, ($2 == "supported" ? "yes" : "no") }' | LC_ALL=C sort
}

@test "program and map type verdicts equal bpftool feature probe's" {
	BT=$BATS_TEST_TMPDIR/bpftool REPORT=$BATS_TEST_TMPDIR/report
	"$BPFTOOL" feature probe kernel >"$BT"
	"$BIN" >"$REPORT"
	run diff <(bpftool_types program_type) <(ours prog_type)
	assert_success
	# Not vacuous: bpftool probed dozens of types, some of them missing here.
	assert [ "$(bpftool_types program_type | wc -l)" -gt 20 ]
	assert [ "$(bpftool_types program_type | grep -c ' no$')" -gt 0 ]
	# bpftool 7.1 has no name for the newest map types libbpf knows:
	# compare the ones it probed.
	run diff <(bpftool_types map_type) \
		<(join <(bpftool_types map_type) <(ours map_type) -o 2.1,2.2)
	assert_success
	assert [ "$(bpftool_types map_type | wc -l)" -gt 20 ]
}

@test "helpers: all we call supported, bpftool lists; it lists more only where the verifier says no" {
	local t bt me refused
	"$BPFTOOL" feature probe kernel full >"$BATS_TEST_TMPDIR/bpftool"
	for t in xdp kprobe socket_filter; do
		bt=$(awk -v t="$t" '
			$0 == "eBPF helpers supported for program type " t ":" { f = 1; next }
			!/^\t- / { f = 0 }
			f { print $2 }' "$BATS_TEST_TMPDIR/bpftool" | LC_ALL=C sort)
		"$BIN" -H "$t" >"$BATS_TEST_TMPDIR/report"
		me=$(sed -n "s/^helper $t \(bpf_[a-z0-9_]*\): supported$/\1/p" \
			"$BATS_TEST_TMPDIR/report" | LC_ALL=C sort)
		refused=$(sed -n "s/^helper $t \(bpf_[a-z0-9_]*\): unsupported ($t programs cannot call \1: verifier says \"cannot use helper\".*/\1/p" \
			"$BATS_TEST_TMPDIR/report" | LC_ALL=C sort)
		assert [ -n "$me" ]
		# Nothing we call supported is missing from bpftool's list.
		run comm -13 <(echo "$bt") <(echo "$me")
		assert_output ""
		# bpftool (libbpf 1.1) lists more: each extra one is a helper the
		# verifier refused for this type when we loaded it ourselves.
		run comm -23 <(comm -23 <(echo "$bt") <(echo "$me")) <(echo "$refused")
		assert_output ""
	done
}

@test "helpers known by heart: XDP helpers for XDP only" {
	run "$BIN" -H xdp -H kprobe
	assert_success
	assert_line "helper xdp bpf_xdp_adjust_head: supported"
	assert_line "helper xdp bpf_map_lookup_elem: supported"
	assert_line --regexp "^helper kprobe bpf_xdp_adjust_head: unsupported \(kprobe programs cannot call bpf_xdp_adjust_head"
	assert_line "helper kprobe bpf_map_lookup_elem: supported"
}

@test "kprobe: the program type loads; attaching works exactly where sysfs has a kprobe PMU" {
	run "$BIN"
	assert_success
	assert_line "prog_type kprobe: supported"
	if [ -e "$PMU/kprobe" ]; then
		# Whatever the probed function is called in this kernel.
		assert_line "attach kprobe: supported"
		assert_line "attach kretprobe: supported"
		assert_line 'demo kprobe/do_nanosleep: attach ok'
		return
	fi
	assert_line --regexp '^attach kprobe: unsupported \(cannot attach kprobe/[a-z_]+: No such file or directory\)$'
	assert_line --regexp '^demo kprobe/do_nanosleep: load ok \(prog id [0-9]+, type kprobe\)$'
	assert_line 'demo kprobe/do_nanosleep: attach failed: No such file or directory'
	# bpftool agrees the type exists; sysfs agrees there is nothing to attach with.
	run "$BPFTOOL" feature probe kernel
	assert_line "eBPF program_type kprobe is available"
	# uprobes share the kprobe program type, and their PMU is there.
	if [ -e "$PMU/uprobe" ]; then
		run "$BIN"
		assert_line "attach uprobe: supported"
	fi
}

@test "featprobe gives the same verdicts (one source of truth) and exit codes 0/1/2" {
	local k
	run "$BIN"
	for k in tracepoint raw_tp tp_btf kprobe kretprobe fentry fexit lsm uprobe; do
		assert_line "attach $($FEATPROBE "$k")"
	done
	# featprobe's parametrised names give the lesson's verdicts too.
	assert_line "prog_type $($FEATPROBE prog_type:kprobe | sed 's/^prog_type://')"
	assert_line "prog_type $($FEATPROBE prog_type:lsm | sed 's/^prog_type://')"
	run "$FEATPROBE" prog_type:xdp map_type:ringbuf helper:xdp:bpf_redirect
	assert_success
	run "$FEATPROBE" helper:kprobe:bpf_xdp_adjust_head
	assert_failure 1
	assert_output --partial "helper:kprobe:bpf_xdp_adjust_head: unsupported ("
	run "$FEATPROBE" helper:xdp:no_such_helper
	assert_failure 2
	assert_output "helper:xdp:no_such_helper: inconclusive (unknown helper 'no_such_helper')"
}

@test "inconclusive: no CAP_BPF (EPERM), or a type libbpf cannot probe helpers for" {
	run_as_nobody "$BIN" -t xdp -m hash
	assert_success
	assert_line --index 0 "feature_detection: not root: expect inconclusive verdicts (EPERM)"
	assert_line "prog_type xdp: inconclusive (probe failed: EPERM: Operation not permitted)"
	assert_line "map_type hash: inconclusive (probe failed: EPERM: Operation not permitted)"
	refute_line --regexp ': (un)?supported'
	require_feature prog_type:struct_ops
	run "$BIN" -H struct_ops
	assert_success
	assert_line "helper struct_ops bpf_map_lookup_elem: inconclusive (probe failed: EOPNOTSUPP: Operation not supported)"
	refute_line --regexp ': (un)?supported'
}

@test "bad type names: one clear line, non-zero exit" {
	run "$BIN" -t nosuch
	assert_bad_input "feature_detection: invalid program type 'nosuch': not a libbpf name (e.g. xdp, kprobe)"
	run "$BIN" -m nosuch
	assert_bad_input "feature_detection: invalid map type 'nosuch': not a libbpf name (e.g. hash, ringbuf)"
	run "$BIN" -H nosuch
	assert_bad_input "feature_detection: invalid program type 'nosuch': not a libbpf name (e.g. xdp, kprobe)"
	run "$BIN" $(printf -- '-m hash %.0s' {1..17})
	assert_bad_input "feature_detection: invalid type 'hash': at most 16 of each kind"
	run "$BIN" -d soon
	assert_bad_input "feature_detection: invalid duration 'soon': want a whole number from 1 to 2147483647"
}

@test "README: every Run it command works as written" {
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
