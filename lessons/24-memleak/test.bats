#!/usr/bin/env bats
# Lesson 24: the allocations leaky makes (it leaks K blocks of S bytes from
# leak_blocks(), 2 x 999 bytes from leak_calloc(), 5000 bytes from
# leak_realloc(), and frees everything churn() allocates), checked against
# those numbers and function names.  Kernel mode (-m kernel): the pipes
# the workload `pipes K` holds open, 2 kmalloc()s each in alloc_pipe_info()
# (pipe_inode_info and its buffer array), kfree()d when it closes them.
load ../../tests/lib

BIN=$OUT/memleak
LEAKY=$OUT/leaky
PIPES=$OUT/pipes
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

# last_report FILE: the lines from FILE's last report header on.  (awk's
# own header regex: mawk knows no {8}, and -v would eat the backslashes.)
last_report() { awk '/^\[[0-9:]+\] [0-9]+ allocations outstanding, / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"; }

# nth_report FILE N: FILE's Nth report (header and stacks).
nth_report() { awk -v n="$2" '/^\[[0-9:]+\] [0-9]+ allocations outstanding, / { i++ } i == n' "$1"; }

# pipe_allocs: from a report on stdin, how many allocations alloc_pipe_info
# made itself: stacks whose first frame past the kmalloc functions is
# alloc_pipe_info (not the slab's own bookkeeping further down its stack).
pipe_allocs() {
	awk '/^\t[0-9]+ bytes in [0-9]+ allocations from stack$/ { c = $4; next }
		/^\t\t/ && c {
			if ($1 ~ /kmalloc/)
				next
			if ($1 ~ /^alloc_pipe_info\+0x[0-9a-f]+$/)
				sum += c
			c = 0
		}
		END { print sum + 0 }'
}

# next_report FILE: the first report FILE prints from now on, once it is
# complete (the one after it has begun).
next_report() {
	local n
	n=$(count_lines "$1" "$HEADER")
	wait_for_count "$1" "$HEADER" $((n + 2)) 10
	nth_report "$1" $((n + 1))
}

# start_pipes NAME K: `pipes K` in the background, output in $T/NAME.out,
# PID in $PIPES_PID, once it is ready.
start_pipes() {
	start_bg "$T/$1.out" "$PIPES" "$2"
	PIPES_PID=$BG_PID
	wait_for_line "$T/$1.out" '^ready$'
}

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

@test "-m kernel -p: a process's pipes are outstanding kmallocs under alloc_pipe_info until it closes them" {
	local p decoy n
	require_feature tracepoint
	require_feature btf
	# A decoy with more pipes than the bound: seen only if -p filters nothing.
	start_pipes decoy 150
	decoy=$PIPES_PID
	start_pipes pipes 40
	p=$PIPES_PID
	start_bin "^Tracing kmem:kmalloc(, kmem:kmalloc_node)?, kmem:kfree of PID $p\. Ctrl-C to end\.$" \
		-m kernel -p "$p" -i 1 -T 1000
	kill -USR1 "$decoy" "$p"
	wait_for_line "$T/pipes.out" '^holding 40 pipes$'
	wait_for_line "$T/decoy.out" '^holding 150 pipes$'
	next_report "$T/out" >"$T/held"
	# 2 per pipe here; at least 1 per pipe, and never the decoy's 150.
	n=$(pipe_allocs <"$T/held")
	echo "held: $n"
	assert [ "$n" -ge 40 ]
	assert [ "$n" -le 80 ]
	# Named from kallsyms: the pipe(2) syscall's path.
	grep -qE $'^\t\tdo_pipe2\+0x[0-9a-f]+$' "$T/held" || fail "no do_pipe2 frame in: $(cat "$T/held")"
	# Closed: kfree()d, so no longer outstanding (the process lives on).
	kill -USR1 "$p"
	wait_for_line "$T/pipes.out" '^closed$'
	next_report "$T/out" >"$T/closed"
	assert_equal "$(pipe_allocs <"$T/closed")" 0
	kill -0 "$p"
	stop_bg_output "$T/out"
	assert_equal "$(last_report "$T/out" | pipe_allocs)" 0
	refute_output --partial "lost"
	wait_prog_gone kmalloc_tp
}

@test "-m kernel without -p: every process's pipes" {
	local a b n
	require_feature tracepoint
	require_feature btf
	# Many pipes, so that what other processes hold is small beside them:
	# at least 1 allocation per pipe (2 on most kernels, 1 on 5.10, as in
	# the -p test), 200 + 400, more than either process alone makes.
	start_pipes a 200
	a=$PIPES_PID
	start_pipes b 400
	b=$PIPES_PID
	start_bin '^Tracing kmem:kmalloc(, kmem:kmalloc_node)?, kmem:kfree of every process\. Ctrl-C to end\.$' \
		-m kernel -i 1 -T 100000
	kill -USR1 "$a" "$b"
	wait_for_line "$T/a.out" '^holding 200 pipes$'
	wait_for_line "$T/b.out" '^holding 400 pipes$'
	next_report "$T/out" >"$T/held"
	n=$(pipe_allocs <"$T/held")
	echo "held: $n"
	assert [ "$n" -ge 600 ]
	kill -USR1 "$a" "$b"
	wait_for_line "$T/a.out" '^closed$'
	wait_for_line "$T/b.out" '^closed$'
	next_report "$T/out" >"$T/closed"
	n=$(pipe_allocs <"$T/closed")
	echo "closed: $n"
	# Other processes may hold pipes of their own; ours are gone.
	assert [ "$n" -lt 600 ]
	stop_bg_output "$T/out"
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
	run "$BIN" -m both -p 1
	assert_bad_input "memleak: invalid mode 'both': want one of user, kernel"
	run "$BIN" -m ''
	assert_bad_input "memleak: invalid mode '': want one of user, kernel"
	run "$BIN" -m kernel -c true
	assert_bad_input "memleak: invalid options '-m kernel -c': the kernel mode takes -p PID or traces every process"
	run "$BIN" -m kernel -p notapid
	assert_bad_input "memleak: invalid PID 'notapid': want a whole number from 1 to 2147483647"
	# The user mode still needs its process.
	run "$BIN" -m user
	assert_bad_input "memleak: no process to trace: give -p PID or -c COMMAND"
	run "$BIN" -c "$T/nosuch arg"
	assert_equal "$status" 1
	assert_line "memleak: cannot run '$T/nosuch': No such file or directory"
	# A statically linked process has no libc file to probe.
	if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then
		start_bg "$T/static" /bin/busybox sleep 30
		run "$BIN" -p "$BG_PID"
		assert_equal "$status" 1
		assert_output "memleak: PID $BG_PID maps no libc.so (statically linked?)"
	fi
	cp "$BIN" "$T/memleak"
	chmod 755 "$T" "$T/memleak"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/memleak" -c true
	assert_equal "$status" 1
	assert_output "memleak: must run as root (needs CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN): try sudo"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/memleak" -m kernel
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
	# Only the uprobes: the kernel mode's tracepoint programs stayed unloaded.
	run "$BPFTOOL" prog show name kfree_tp
	assert_output ""
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

@test "-m kernel loads only the tracepoint programs; SIGTERM and SIGINT detach them" {
	local want=2 tfs sig
	require_feature tracepoint
	require_feature btf
	for sig in TERM INT; do
		start_bg "$T/out" "$BIN" -m kernel
		wait_for_line "$T/out" '^Tracing '
		# kmalloc_node where this kernel has it (the loader mounted tracefs).
		for tfs in /sys/kernel/tracing /sys/kernel/debug/tracing; do
			[ ! -e "$tfs/events/kmem/kmalloc_node" ] || want=3
		done
		run bash -c "$BPFTOOL -j prog show | jq -r '.[] | select(.name | test(\"^(kmalloc|kmalloc_node|kfree)_tp\$|^(malloc|calloc|realloc)_(enter|exit)\$|^free_enter\$\")) | .type + \" \" + .name'"
		assert_equal "$(grep -c '^tracepoint ' <<<"$output")" "$want"
		assert_equal "${#lines[@]}" "$want"
		stop_bg "$BG_PID" "$sig"
		assert_equal "$STATUS" 0
		wait_prog_gone kfree_tp
		wait_prog_gone kmalloc_tp
	done
}

@test "README: the Run it commands work as written" {
	local cmds
	mapfile -t cmds < <(readme_cmds)
	assert_equal "${#cmds[@]}" 9
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
	# Kernel mode, four terminals: pipes waits, memleak attaches, the first
	# pkill opens its 50 pipes, the second closes them.
	start_bg "$T/pipes.out" bash -c "${cmds[5]}"
	wait_for_line "$T/pipes.out" '^ready$'
	start_bg "$T/kout" timeout -s INT 60 bash -c "${cmds[6]}"
	local mem=$BG_PID
	wait_for_line "$T/kout" '^Tracing kmem:kmalloc'
	run bash -c "${cmds[7]}"
	assert_success
	wait_for_line "$T/pipes.out" '^holding 50 pipes$'
	next_report "$T/kout" >"$T/held"
	assert [ "$(pipe_allocs <"$T/held")" -ge 50 ]
	run bash -c "${cmds[8]}"
	assert_success
	wait_for_line "$T/pipes.out" '^closed$'
	next_report "$T/kout" >/dev/null
	kill -INT "$mem"
	wait "$mem"
	assert_equal "$(last_report "$T/kout" | pipe_allocs)" 0
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
