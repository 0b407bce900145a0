#!/usr/bin/env bats
# Lesson 45: ingress/egress counters checked against `ip -s link` RX/TX,
# through tcx links and through the clsact fallback; links and qdiscs
# checked with bpftool and tc.
load ../../tests/lib

BIN=$OUT/tcx

setup() {
	lesson_setup
	netns_setup
}
teardown() { lesson_teardown; }

start_tcx() {
	OUTF=$BATS_TEST_TMPDIR/out
	start_bg "$OUTF" "${IN_NS[@]}" "$BIN" -i veth0 "$@"
	wait_for_line "$OUTF" '^Attached ingress_prog_func and egress_prog_func to veth0'
}

tx_packets() {
	ip -n "$NS" -s link show dev veth0 | awk '/TX:/ { getline; print $2; exit }'
}

# first_line_has TEXT: the loader's first line contains TEXT.
first_line_has() {
	head -1 "$OUTF" | grep -qF -- "$1" || fail "first line lacks '$1': $(head -1 "$OUTF")"
}

has_clsact() { tc -n "$NS" qdisc show dev veth0 | grep -q '^qdisc clsact'; }

# prog_id NAME: the id of our loaded program NAME.
prog_id() { "$BPFTOOL" prog show name "$1" | sed -n 's/^\([0-9]*\): .*/\1/p'; }

# tcx_link_for ID: a tcx link (type 11; newer bpftool says "tcx") holds prog ID.
tcx_link_for() { "$BPFTOOL" link show | grep -qE "^[0-9]+: (tcx|type 11) +prog $1( |\$)"; }

# counts_match: ping 5 from the peer; the last printed counts equal the
# RX and TX deltas of veth0 (5 and 5: requests in, replies out).
counts_match() {
	local rx0 tx0 rx tx t
	rx0=$(rx_packets veth0)
	tx0=$(tx_packets)
	run "$ROOT/tools/testenv" ping "$NS" 5
	assert_success
	rx=$(($(rx_packets veth0) - rx0))
	tx=$(($(tx_packets) - tx0))
	t=$(count_lines "$OUTF" '^Packet count:')
	wait_for_count "$OUTF" '^Packet count:' $((t + 2))
	stop_bg_output "$OUTF"
	assert_equal "$rx $tx" "5 5"
	assert_equal "${lines[-1]}" "Packet count: ingress $rx, egress $tx"
}

@test "tcx: counters equal ip -s link RX/TX; two tcx links, no qdisc" {
	require_feature tcx
	local api=bpf_link_create
	# Built against libbpf >= 1.3 (Debian 13), the loader uses its wrapper.
	if nm "$OUT/tcx" | grep -q ' [TU] bpf_program__attach_tcx'; then api=bpf_program__attach_tcx; fi
	start_tcx -m tcx
	assert_equal "$(head -1 "$OUTF")" \
		"Attached ingress_prog_func and egress_prog_func to veth0 (ifindex $(ip -n "$NS" -o link show veth0 | cut -d: -f1)) with tcx links ($api). Ctrl-C to stop."
	tcx_link_for "$(prog_id ingress_prog_func)" || fail "no tcx link for ingress_prog_func"
	tcx_link_for "$(prog_id egress_prog_func)" || fail "no tcx link for egress_prog_func"
	run has_clsact
	assert_failure
	counts_match
}

@test "clsact fallback: same counts; the qdisc it created is removed" {
	start_tcx -m clsact
	first_line_has "with a new clsact qdisc."
	run has_clsact
	assert_success
	run tc -n "$NS" filter show dev veth0 egress
	assert_output --partial "name egress_prog_fun tag"
	counts_match
	run has_clsact
	assert_failure
}

@test "auto picks what the tcx probe says" {
	start_tcx
	if has_feature tcx; then
		first_line_has "with tcx links"
	else
		first_line_has "clsact qdisc"
	fi
	counts_match
}

@test "SIGKILL: tcx links die with the process (unlike lesson 19's filters)" {
	require_feature tcx
	start_tcx -m tcx
	stop_bg "$BG_PID" KILL
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name ingress_prog_func)\" ]" ||
		fail "ingress_prog_func still loaded after SIGKILL"
	run "$BPFTOOL" link show
	refute_output --regexp '^[0-9]+: (tcx|type 11) '
}

detach_after() {
	start_tcx "${@:2}"
	stop_bg "$BG_PID" "$1"
	assert_equal "$STATUS" 0
	run has_clsact
	assert_failure
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name egress_prog_func)\" ]" ||
		fail "egress_prog_func still loaded after SIG$1"
}

@test "SIGINT detaches everything (auto)" {
	detach_after INT
}

@test "SIGTERM detaches everything (clsact)" {
	detach_after TERM -m clsact
}

@test "bad input: unknown option, bad mode, bad interface, not root" {
	run "$BIN" --frobnicate
	assert_equal "$status" 64
	run "$BIN" -m xdp
	assert_bad_input "tcx: invalid mode 'xdp': want one of auto, tcx, clsact"
	run "$BIN" -i nosuch0
	assert_bad_input "tcx: invalid interface 'nosuch0': no such interface"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -i lo
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "README: the commands of 'Run it'" {
	cd "$ROOT"
	_NETNS+=(lsn45)
	run timeout -s INT $((10 * LESSON_SLOW)) make -C lessons/45-tcx run ARGS="-d 2"
	assert_success
	assert_output --partial "Attached ingress_prog_func and egress_prog_func to lo"
	assert_equal "$(grep -c '^Packet count: ' <<<"$output")" 2
	run tools/testenv setup lsn45
	assert_success
	OUTF=$BATS_TEST_TMPDIR/readme
	start_bg "$OUTF" tools/testenv exec lsn45 -- build/45-tcx/tcx -i veth0
	wait_for_line "$OUTF" '^Attached'
	run tools/testenv ping lsn45 3
	assert_success
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	assert_equal "$(tail -1 "$OUTF")" "Packet count: ingress 3, egress 3"
	OUTF=$BATS_TEST_TMPDIR/readme2
	start_bg "$OUTF" tools/testenv exec lsn45 -- build/45-tcx/tcx -i veth0 -m clsact -d 2
	wait "$BG_PID"
	assert_equal "$(grep -c 'with a new clsact qdisc' "$OUTF")" 1
	run tools/testenv teardown lsn45
	assert_success
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
