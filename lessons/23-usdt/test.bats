#!/usr/bin/env bats
# Lesson 23: USDT probes fired by programs we run with known arguments
# (usdt_target: COUNT ticks and one word), and a JVM's GC pauses checked
# against the JVM's own GC log.
load ../../tests/lib

BIN=$OUT/usdt
TARGET=$OUT/usdt_target
# tests/run's PATH holds only what tools/deps installs; /usr/bin/java is an
# alternatives link into the JVM's directory, which that PATH misses.  The
# JVM default-jre-headless installs lives here on every Debian machine.
PATH=$PATH:/usr/lib/jvm/default-java/bin

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^TIME +PID +'
}

# hits PID: "PROBE ARG..." of PID's lines, single-spaced.
hits() {
	awk -v pid="$1" '$2 == pid { $1 = ""; $2 = ""; print }' "$T/out" |
		sed 's/^ *//'
}

# waiting_target NAME ARGS...: usdt_target -w ARGS, held until `go NAME`.
# Sets TPID once it has printed "ready PID".
declare -gA TFD
waiting_target() {
	local name=$1 fd
	shift
	mkfifo "$T/$name.in"
	"$TARGET" -w "$@" <"$T/$name.in" >"$T/$name.out" 2>&1 3>&- &
	_BG_PIDS+=("$!")
	TPID=$!
	exec {fd}>"$T/$name.in"
	TFD[$name]=$fd
	wait_for_line "$T/$name.out" "^ready $TPID$"
}
# Attaching in every process (no -p) to a position-independent file needs
# BPF cookies (5.15+): without them libbpf refuses (EOPNOTSUPP).
require_cookies() { require_feature helper:kprobe:bpf_get_attach_cookie; }

go() {
	local fd=${TFD[$1]}
	echo go >&"$fd"
	exec {fd}>&-
}

@test "every hit of every probe, with its arguments, from every process running the file" {
	require_cookies
	local p1 p2
	start -b "$TARGET" -s 1 lesson:tick lesson:word
	"$TARGET" 4 bats-usdt >/dev/null 3>&- &
	p1=$!
	wait "$p1"
	"$TARGET" 1 "two words" >/dev/null 3>&- &
	p2=$!
	wait "$p2"
	wait_for_line "$T/out" "^[0-9:]{8} +$p2 +lesson:word"
	stop_bg_output "$T/out"
	assert_line --index 0 "Tracing 2 USDT probes in $TARGET. Ctrl-C to stop."
	# tick(i, -i, (unsigned char)i) for i = 1..4, then word(WORD, strlen).
	# -s 1 reads tick's first argument too, but 1..4 is no address: numbers.
	assert_equal "$(hits "$p1")" 'lesson:tick 1 -1 1
lesson:tick 2 -2 2
lesson:tick 3 -3 3
lesson:tick 4 -4 4
lesson:word "bats-usdt" 9'
	assert_equal "$(hits "$p2")" 'lesson:tick 1 -1 1
lesson:word "two words" 9'
}

@test "-p: only that process; without -s a string argument is its address" {
	local a b
	waiting_target a 2 from-a
	a=$TPID
	waiting_target b 2 from-b
	b=$TPID
	start -b "$TARGET" -p "$a" lesson:word
	go b
	go a
	wait "$a" "$b"
	wait_for_line "$T/out" "^[0-9:]{8} +$a +lesson:word"
	stop_bg_output "$T/out"
	assert_line --index 0 "Tracing 1 USDT probe in $TARGET for PID $a. Ctrl-C to stop."
	assert_equal "$(hits "$a" | wc -l)" 1
	# A user-space pointer, printed as a (positive, non-zero) number.
	assert_regex "$(hits "$a")" '^lesson:word [1-9][0-9]+ 6$'
	assert_equal "$(hits "$b")" ""
}

@test "--jvm: one line per GC pause, of the kind the JVM's own GC log reports" {
	local fd jpid k0 jvm ours
	mkfifo "$T/jin"
	java -XX:+UseSerialGC -Xms64m -Xmx64m -Xmn4m -Xlog:gc:file="$T/gc.log" "$LESSON_DIR/GcTarget.java" \
		-w 2 40 <"$T/jin" >"$T/jout" 2>&1 3>&- &
	jpid=$!
	_BG_PIDS+=("$jpid")
	exec {fd}>"$T/jin"
	wait_for_line "$T/jout" '^ready$' 120
	# Compiling GcTarget.java may already have collected: not ours to see.
	k0=$(grep -c 'Pause' "$T/gc.log" || true)
	start --jvm -p "$jpid"
	echo go >&"$fd"
	exec {fd}>&-
	wait "$jpid"
	wait_for_count "$T/out" "^[0-9:]{8} +$jpid .* full " 1
	stop_bg_output "$T/out"
	assert_line --index 0 --regexp "^Tracing GC pauses in /.*/libjvm\.so for PID $jpid\. "
	jvm=$(grep 'Pause' "$T/gc.log" | tail -n +$((k0 + 1)) |
		sed -E 's/.*Pause (Young|Full).*/\1/' | tr '[:upper:]' '[:lower:]')
	ours=$(awk -v pid="$jpid" '$2 == pid { print $4 }' "$T/out")
	assert_equal "$ours" "$jvm"
	# 40 MB through a 4 MB young generation, then System.gc() twice.
	assert_equal "$(grep -c full <<<"$ours")" 2
	assert [ "$(grep -c young <<<"$ours")" -ge 5 ]
	assert_equal "$(tail -2 <<<"$ours" | paste -sd' ')" "full full"
}

@test "bad input: exit 64 and one line for a bad value, 1 for what fails later" {
	run "$BIN" --bogus
	assert_equal "$status" 64
	run "$BIN" -b "$TARGET" -s 0 lesson:word
	assert_equal "$status" 64
	assert_line --index 0 "usdt: invalid argument number '0': out of range 1..12"
	run "$BIN" -b "$TARGET" tick
	assert_equal "$status" 64
	assert_line --index 0 "usdt: invalid probe 'tick': want PROVIDER:NAME"
	run "$BIN" -b "$T/nosuch" lesson:tick
	assert_equal "$status" 64
	assert_line --index 0 "usdt: invalid binary '$T/nosuch': No such file or directory"
	run "$BIN" -p notapid -b "$TARGET" lesson:tick
	assert_equal "$status" 64
	assert_line --index 0 "usdt: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -b "$TARGET"
	assert_equal "$status" 64
	assert_line --index 0 "usdt: give -b BINARY and at least one PROVIDER:NAME"
	run "$BIN" --jvm
	assert_equal "$status" 64
	if has_feature helper:kprobe:bpf_get_attach_cookie; then
		# A probe the file does not have: libbpf finds no note for it.
		run "$BIN" -b "$TARGET" lesson:tick lesson:nope
		assert_equal "$status" 1
		assert_output "usdt: no USDT probe lesson:nope in $TARGET (list them: readelf -n $TARGET)"
	else
		run "$BIN" -b "$TARGET" lesson:tick
		assert_equal "$status" 1
		assert_output "usdt: lesson:tick in $TARGET: every process needs BPF cookies (5.15+), which this kernel lacks: give -p PID"
	fi
	# A process that is no JVM.
	run "$BIN" --jvm -p "$$"
	assert_equal "$status" 1
	assert_output "usdt: process $$ has no libjvm.so mapped: not a HotSpot JVM"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" -b /bin/true a:b
	assert_equal "$status" 1
	assert_output --partial "must run as root"
}

@test "SIGTERM detaches: no program, no uprobe on the file, the target runs untraced" {
	require_cookies
	start -b "$TARGET" lesson:tick
	run "$BPFTOOL" prog show name usdt_hit
	assert_output --partial "kprobe" # uprobes are BPF_PROG_TYPE_KPROBE programs
	run "$BPFTOOL" perf
	if [[ $output != *"uprobe  filename $TARGET"* ]]; then
		# libbpf >= 1.4 (Debian 13's 1.5) attaches USDTs with one
		# uprobe_multi link where the kernel has them (6.6+): no perf event.
		run "$BPFTOOL" link show
		assert_output --partial "uprobe_multi"
		assert_output --partial "$TARGET"
	fi
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name usdt_hit)\" ]" ||
		fail "usdt_hit still loaded"
	run "$BPFTOOL" perf
	refute_output --partial "$TARGET"
	run "$BPFTOOL" link show
	refute_output --partial "$TARGET"
	run "$TARGET" 1
	assert_success
	assert_output "fired 1 ticks and word 'hello'"
}

@test "README: the Run it commands work as written" {
	require_cookies
	readme_run 10
	# What the tracers printed while the "second terminal" commands ran.
	grep -qE 'lesson:word +"hello" 5$' "$BATS_TEST_TMPDIR/readme-2.out" ||
		fail "no word hit: $(cat "$BATS_TEST_TMPDIR/readme-2.out")"
	grep -qE ' full +[0-9.]+$' "$BATS_TEST_TMPDIR/readme-6.out" ||
		fail "no full GC: $(cat "$BATS_TEST_TMPDIR/readme-6.out")"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	require_cookies
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
