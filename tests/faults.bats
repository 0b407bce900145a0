#!/usr/bin/env bats
# Faults while a loader runs: its interface deleted under it, SIGKILL at
# random moments during load and attach, a second loader on the same hook,
# pins left by a crashed run.  After each: nothing of ours left (programs no
# process holds, pins), and never a crash (status >= 128 other than our
# own SIGKILL); "ours" is the lesson's programs (ORPHAN_SCOPE: other test
# runs on the machine are not this loader's leaks).  The one thing a SIGKILL may leave is lesson 19's classic TC
# filter (not a bpf_link): the next run must remove it and say so.  Loader names come from the lessons' Makefiles (APPS).
load lib
load hardening
bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	require_feature xdp netns
	orphans_snapshot "$BATS_TEST_TMPDIR/before"
	netns_setup
}

teardown() {
	lesson_teardown
	[ -z "${PRIV_BPFFS:-}" ] || umount -l "$PRIV_BPFFS" 2>/dev/null || true
	assert_no_new_orphans "$BATS_TEST_TMPDIR/before"
}

# app LESSON: the path of the lesson's (first) loader.
app() {
	local a
	a=$(lesson_apps "$1")
	echo "$BUILD/$1/${a%% *}"
}

# gone_or_stops PID: the loader exits by itself within 2 s, or exits on
# SIGINT; either way with a status below 128.  Sets STATUS.
gone_or_stops() {
	if ! wait_until 2 bash -c "! kill -0 $1 2>/dev/null"; then
		kill -INT "$1"
	fi
	STATUS=0
	wait "$1" || STATUS=$?
}

@test "XDP (lesson 00): interface deleted under the attached program" {
	ORPHAN_SCOPE=$BUILD/00-xdp-counter
	local bin out=$BATS_TEST_TMPDIR/out
	bin=$(app 00-xdp-counter)
	start_bg "$out" "${IN_NS[@]}" "$bin" -i veth0
	wait_for_line "$out" '^Attached XDP program'
	ip -n "$NS" link del veth0
	gone_or_stops "$BG_PID"
	[ "$STATUS" -lt 128 ] || fail "exit $STATUS after the interface went: $(cat "$out")"
}

@test "TC (lesson 19): interface deleted under the attached program" {
	ORPHAN_SCOPE=$BUILD/19-tc
	local bin out=$BATS_TEST_TMPDIR/out
	require_feature tc
	bin=$(app 19-tc)
	start_bg "$out" "${IN_NS[@]}" "$bin" -i veth0
	wait_for_line "$out" '^PROTO +SRC'
	ip -n "$NS" link del veth0
	gone_or_stops "$BG_PID"
	[ "$STATUS" -lt 128 ] || fail "exit $STATUS after the interface went: $(cat "$out")"
}

# kill_one BIN MS: start BIN on veth0, SIGKILL it after MS ms (during open,
# load, attach or the first poll; "attached": once it printed its header).
kill_one() {
	local out=$BATS_TEST_TMPDIR/out
	start_bg "$out" "${IN_NS[@]}" "$1" -i veth0
	if [ "$2" = attached ]; then
		wait_for_line "$out" '^(Attached|PROTO +SRC)'
	else
		sleep "0.$(printf '%03d' "$2")"
	fi
	kill -KILL "$BG_PID" 2>/dev/null || true
	wait "$BG_PID" 2>/dev/null || true
}

@test "XDP (lesson 00): SIGKILL at random moments leaves nothing (8 runs)" {
	ORPHAN_SCOPE=$BUILD/00-xdp-counter
	local bin i ms problems=()
	bin=$(app 00-xdp-counter)
	for i in $(seq 8); do
		ms=$((RANDOM % 300))
		# An XDP attach through a bpf_link dies with the process.
		kill_one "$bin" "$ms"
		wait_until 3 _no_new_orphans "$BATS_TEST_TMPDIR/before" ||
			problems+=("run $i, killed after $ms ms: left $(_new_orphans "$BATS_TEST_TMPDIR/before" | paste -sd,)")
	done
	[ ${#problems[@]} -eq 0 ] || fail "$(printf '%s\n' "${problems[@]}")"
}

# tc_filter_id: the program id of the tc_ingress filter on veth0 ingress.
tc_filter_id() {
	tc -n "$NS" filter show dev veth0 ingress | sed -n 's/.* id \([0-9]*\) name tc_ingress .*/\1/p'
}

# A classic TC filter is not a bpf_link: SIGKILL after the attach leaves it
# (and its program) on the hook; the next run must remove it and say so.
@test "TC (lesson 19): SIGKILL leaves the filter, the next run removes it (8 runs)" {
	ORPHAN_SCOPE=$BUILD/19-tc
	local bin i ms stale left problems=() leaks=0
	require_feature tc
	bin=$(app 19-tc)
	for i in $(seq 8); do
		# Run 1 is killed once attached: the leak this test is about.
		ms=attached
		[ "$i" -eq 1 ] || ms=$((RANDOM % 300))
		kill_one "$bin" "$ms"
		stale=$(tc_filter_id)
		if [ "$i" -eq 1 ] && [ -z "$stale" ]; then
			problems+=("run 1, killed once attached: no tc_ingress filter left (tc filter show)")
		fi
		if [ -n "$stale" ]; then
			leaks=$((leaks + 1))
			# The only thing left: that filter's program.
			left=$(_new_orphans "$BATS_TEST_TMPDIR/before" | grep -v "^prog $stale tc_ingress$" | paste -sd,)
			[ -z "$left" ] || problems+=("run $i, killed after $ms ms: left $left besides the filter")
			run --separate-stderr timeout -s KILL 20 "${IN_NS[@]}" "$bin" -i veth0 -d 1
			[ "$status" -eq 0 ] || problems+=("run $i: the next run exited $status: ${stderr_lines[0]:-}")
			[ "${stderr_lines[0]:-}" = "tc_counter: removed a stale filter left by a killed run (tc_ingress, prog id $stale)" ] ||
				problems+=("run $i: the next run did not say it removed filter $stale: ${stderr_lines[0]:-}")
			[ -z "$(tc_filter_id)" ] || problems+=("run $i: a filter is still there after the next run")
		fi
		wait_until 3 _no_new_orphans "$BATS_TEST_TMPDIR/before" ||
			problems+=("run $i, killed after $ms ms: left $(_new_orphans "$BATS_TEST_TMPDIR/before" | paste -sd,)")
	done
	echo "# $leaks of 8 killed runs left their filter; each removed by the next run" >&3
	# A clean run after all that (the clsact a killed run made is still
	# there): nothing stale to remove, and it leaves nothing either.
	run --separate-stderr timeout -s KILL 20 "${IN_NS[@]}" "$bin" -i veth0 -d 1
	[ "$status" -eq 0 ] || problems+=("a clean run afterwards exited $status: ${stderr_lines[0]:-}")
	[ -z "$stderr" ] || problems+=("a clean run afterwards said: $stderr")
	run tc -n "$NS" filter show dev veth0 ingress
	[ -z "$output" ] || problems+=("left on veth0 ingress: $output")
	[ ${#problems[@]} -eq 0 ] || fail "$(printf '%s\n' "${problems[@]}")"
}

@test "XDP (lesson 00): a second loader on the same interface says busy" {
	ORPHAN_SCOPE=$BUILD/00-xdp-counter
	local bin out=$BATS_TEST_TMPDIR/out
	bin=$(app 00-xdp-counter)
	start_bg "$out" "${IN_NS[@]}" "$bin" -i veth0
	wait_for_line "$out" '^Attached XDP program'
	run --separate-stderr timeout -s KILL 20 "${IN_NS[@]}" "$bin" -i veth0 -d 1
	assert_equal "$status" 1
	[[ ${stderr_lines[0]} == "xdp_counter: "*busy* ]] ||
		fail "first stderr line does not say busy: ${stderr_lines[0]}"
	# The first one is untouched and still counting.
	kill -0 "$BG_PID"
	run ip -n "$NS" link show dev veth0
	assert_output --regexp 'prog/xdp id [0-9]+'
}

@test "pins (lesson 07): stale pins of a crashed run are handled clearly" {
	ORPHAN_SCOPE=$BUILD/07-object-lifecycle
	local bin pin
	require_feature bpffs
	bin=$(app 07-object-lifecycle)
	# A private bpffs instance: the pins vanish with it, whatever happens.
	PRIV_BPFFS=$BATS_TEST_TMPDIR/bpffs
	mkdir -p "$PRIV_BPFFS"
	mount -t bpf bpf "$PRIV_BPFFS"
	pin=$PRIV_BPFFS/object_lifecycle
	mkdir -p "$pin"
	# A crashed run of something else left a map by the same name, of
	# another shape, and no link.
	"$BPFTOOL" map create "$pin/pkt_count" type hash key 8 value 8 entries 4 name pkt_count
	run --separate-stderr timeout -s KILL 20 nsenter --net="/run/netns/$NS" "$bin" -i veth0 -P "$pin"
	[ "$status" -lt 128 ] || fail "exit $status"
	if [ "$status" -ne 0 ]; then
		assert_equal "$status" 1
		[[ ${stderr_lines[0]} == "object_lifecycle: "* ]] || fail "unclear: ${stderr_lines[0]}"
	fi
	# --unpin clears whatever is there.
	run timeout -s KILL 20 nsenter --net="/run/netns/$NS" "$bin" -i veth0 -P "$pin" --unpin
	[ "$status" -lt 128 ] || fail "--unpin exit $status"
	[ ! -e "$pin" ] || [ -z "$(ls -A "$pin")" ] || fail "left in $pin: $(ls -A "$pin")"
}

@test "pins (lesson 07): a half-pinned run (SIGKILL) is finished or cleared by the next" {
	ORPHAN_SCOPE=$BUILD/07-object-lifecycle
	local bin pin i
	require_feature bpffs
	bin=$(app 07-object-lifecycle)
	PRIV_BPFFS=$BATS_TEST_TMPDIR/bpffs
	mkdir -p "$PRIV_BPFFS"
	mount -t bpf bpf "$PRIV_BPFFS"
	pin=$PRIV_BPFFS/object_lifecycle
	for i in $(seq 10); do
		nsenter --net="/run/netns/$NS" "$bin" -i veth0 -P "$pin" >/dev/null 2>&1 &
		sleep "0.0$((RANDOM % 10))"
		kill -KILL $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		run --separate-stderr timeout -s KILL 20 nsenter --net="/run/netns/$NS" "$bin" -i veth0 -P "$pin"
		[ "$status" -lt 128 ] || fail "run $i: exit $status"
		[ "$status" -eq 0 ] || [[ ${stderr_lines[0]} == "object_lifecycle: "* ]] ||
			fail "run $i: exit $status, unclear: ${stderr_lines[0]:-}"
		run timeout -s KILL 20 nsenter --net="/run/netns/$NS" "$bin" -i veth0 -P "$pin" --unpin
		assert_success
		run ip -n "$NS" link show dev veth0
		refute_output --partial "prog/xdp"
	done
}
