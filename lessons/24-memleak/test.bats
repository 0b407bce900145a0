#!/usr/bin/env bats
# Lesson 24: the allocations leaky makes (it leaks K blocks of S bytes from
# leak_blocks(), 2 x 999 bytes from leak_calloc(), 5000 bytes from
# leak_realloc(), and frees everything churn() allocates), checked against
# those numbers and function names.
load ../../tests/lib

BIN=$OUT/memleak
LEAKY=$OUT/leaky
HEADER='^\[[0-9:]{8}\] [0-9]+ allocations outstanding, [0-9]+ bytes, from [0-9]+ stacks; top [0-9]+:$'

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

# site FILE FUNC: "BYTES COUNT" of the stack led by FUNC (the function that
# called malloc) in FILE's last report; empty when there is none.
site() {
	awk -v f="$2" '
		/ allocations outstanding, / { res = ""; first = 0 }
		/^\t[0-9]+ bytes in [0-9]+ allocations from stack$/ { b = $1; c = $4; first = 1; next }
		first { if (index($1, f "+") == 1) res = b " " c; first = 0 }
		END { print res }' "$1"
}

# last_report FILE: the lines from FILE's last report header on.
last_report() { awk -v re="$HEADER" '$0 ~ re { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"; }

@test "-c: exactly what leaky never freed, by the function that allocated it" {
	run "$BIN" -c "$LEAKY 7 4096" -i 60
	assert_success
	echo "$output" >"$T/out"
	assert_line --index 0 --regexp "^Tracing malloc/calloc/realloc/free of '$LEAKY 7 4096' \(PID [0-9]+\) in /.*libc[^ ]*\. Ctrl-C to end\.$"
	assert_line --regexp '^PID [0-9]+ is exiting; what it never freed:$'
	assert_equal "$(site "$T/out" leak_blocks)" "28672 7"
	assert_equal "$(site "$T/out" leak_calloc)" "1998 2"
	assert_equal "$(site "$T/out" leak_realloc)" "5000 1"
	# Called from main, in leaky; churn freed all it took.
	assert_output --regexp $'\t\tleak_blocks\+0x[0-9a-f]+ \[leaky\]\n\t\tmain\+0x[0-9a-f]+ \[leaky\]'
	refute_output --partial churn
	# Another K and S: the numbers follow.
	run "$BIN" -c "$LEAKY 3 100000"
	assert_success
	echo "$output" >"$T/out2"
	assert_equal "$(site "$T/out2" leak_blocks)" "300000 3"
}

@test "-p: only allocations made after attaching, reported every interval and at the end" {
	local leaky
	start_bg "$T/leaky.out" "$LEAKY" 5 1000 wait
	leaky=$BG_PID
	wait_for_line "$T/leaky.out" '^ready$'	# early_leak() is done
	start_bg "$T/out" "$BIN" -p "$leaky" -i 1
	wait_for_line "$T/out" "^Tracing malloc/calloc/realloc/free of PID $leaky in /"
	kill -USR1 "$leaky"
	wait_for_line "$T/leaky.out" '^leaked$'
	# An interval report with the leak, while leaky still runs.
	wait_for_line "$T/out" $'^\t\tleak_blocks\+' 10
	stop_bg_output "$T/out"
	assert [ "$(grep -cE "$HEADER" "$T/out")" -ge 2 ]
	last_report "$T/out" >"$T/last"
	assert_equal "$(site "$T/last" leak_blocks)" "5000 5"
	assert_equal "$(site "$T/last" leak_calloc)" "1998 2"
	assert_equal "$(site "$T/last" leak_realloc)" "5000 1"
	refute_output --partial early_leak
	refute_output --partial churn
	# Leaky was only watched, not stopped.
	kill -0 "$leaky"
}

@test "-T 1: only the stack holding the most bytes" {
	run "$BIN" -c "$LEAKY 7 4096" -T 1
	assert_success
	echo "$output" >"$T/out"
	last_report "$T/out" >"$T/last"
	assert_equal "$(grep -c ' bytes in ' "$T/last")" 1
	assert_equal "$(site "$T/last" leak_blocks)" "28672 7"
	assert_line --regexp '^\[[0-9:]{8}\] 10 allocations outstanding, 35670 bytes, from 3 stacks; top 1:$'
}

@test "bad input: one line, exit 64; a command that cannot run and not root: exit 1" {
	run "$BIN" -x
	assert_equal "$status" 64
	run "$BIN"
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: no process to trace: give -p PID or -c COMMAND"
	run "$BIN" -p notapid
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	run "$BIN" -p 2147483647
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid PID '2147483647': no such process"
	run "$BIN" -p 1 -c true
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid options '-p -c': pick one"
	run "$BIN" -c ''
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid command '': want a program and its arguments"
	run "$BIN" -c "$LEAKY \$(id)"
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid command '$LEAKY \$(id)': want a program and its arguments"
	run "$BIN" -c true -i 0
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid interval '0': out of range 1..2147483647"
	run "$BIN" -c true -T many
	assert_equal "$status" 64
	assert_equal "${lines[0]}" "memleak: invalid top 'many': want a whole number from 1 to 2147483647"
	run "$BIN" -c "$T/nosuch arg"
	assert_equal "$status" 1
	assert_line "memleak: cannot run '$T/nosuch': No such file or directory"
	cp "$BIN" "$T/memleak"
	chmod 755 "$T" "$T/memleak"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/memleak" -c true
	assert_equal "$status" 1
	assert_output "memleak: must run as root (needs CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN): try sudo"
}

@test "SIGTERM detaches from a -p process, which keeps running; SIGINT ends a -c child" {
	local leaky
	start_bg "$T/leaky.out" "$LEAKY" 5 1000 wait
	leaky=$BG_PID
	wait_for_line "$T/leaky.out" '^ready$'
	start_bg "$T/out" "$BIN" -p "$leaky"
	wait_for_line "$T/out" '^Tracing '
	# Seven programs of the uprobe (kprobe) type, one per probe.
	run bash -c "$BPFTOOL -j prog show | jq '[.[] | select(.name | test(\"^(malloc|calloc|realloc)_(enter|exit)\$|^free_enter\$\"))] | length'"
	assert_output 7
	stop_bg "$BG_PID" TERM
	assert_equal "$STATUS" 0
	wait_prog_gone malloc_exit
	# The process is untouched: it goes on and leaks when told.
	kill -USR1 "$leaky"
	wait_for_line "$T/leaky.out" '^leaked$'

	# -c: a command that would wait for ever ends with the tracer.
	start_bg "$T/out2" "$BIN" -c "$LEAKY 1 1 wait"
	wait_for_line "$T/out2" '^Tracing '
	local child
	child=$(sed -nE 's/.*\(PID ([0-9]+)\).*/\1/p' "$T/out2")
	kill -0 "$child"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	run kill -0 "$child"
	assert_failure
	wait_prog_gone free_enter
}

# The README's "Run it" commands, exactly as written there.
readme_commands() {
	sed -n '/^## Run it/,/^## /{ s/^    //p }' "$LESSON_DIR/README.md"
}

@test "README: the Run it commands work as written" {
	local cmds
	mapfile -t cmds < <(readme_commands)
	assert_equal "${#cmds[@]}" 5
	cd "$ROOT"
	run timeout -s INT 120 bash -c "${cmds[0]}"
	assert_success
	echo "$output" >"$T/out"
	assert_equal "$(site "$T/out" leak_blocks)" "28672 7"
	run timeout -s INT 60 bash -c "${cmds[1]}"
	assert_success
	assert_equal "$(grep -c ' bytes in ' <<<"$output")" 1
	# Three terminals: leaky waits, memleak attaches, pkill lets it leak.
	start_bg "$T/leaky.out" bash -c "${cmds[2]}"
	wait_for_line "$T/leaky.out" '^ready$'
	start_bg "$T/out" timeout -s INT 30 bash -c "${cmds[3]}"
	wait_for_line "$T/out" '^Tracing '
	run bash -c "${cmds[4]}"
	assert_success
	wait_for_line "$T/leaky.out" '^leaked$'
	wait "$BG_PID"
	assert_equal "$(site "$T/out" leak_blocks)" "5000 5"
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
