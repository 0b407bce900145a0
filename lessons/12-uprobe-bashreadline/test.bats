#!/usr/bin/env bats
# Lesson 12: commands typed into interactive bash shells that we drive
# through a pseudo-terminal (script(1), util-linux), checked against what we
# typed and the PID each shell reports for itself ($$).
load ../../tests/lib

BIN=$OUT/uprobe_bashreadline

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	declare -gA TTY_FD SCRIPT_PID
}
teardown() { lesson_teardown; }

# session NAME: start an interactive bash on a fresh pty.  script(1) copies
# its stdin, a fifo we keep open, to the pty; bash reads it with readline()
# as if typed.  No rc file, no history file, a terminal readline knows.
session() {
	local fd
	mkfifo "$T/$1.in"
	SHELL=/bin/sh HISTFILE=/dev/null TERM=dumb \
		script -qfc "bash --norc -i" /dev/null <"$T/$1.in" >"$T/$1.tty" 2>&1 3>&- &
	SCRIPT_PID[$1]=$!
	_BG_PIDS+=("$!")
	exec {fd}>"$T/$1.in"
	TTY_FD[$1]=$fd
}

# type NAME LINE: type LINE and Enter into NAME's shell.
type_line() { printf '%s\n' "$2" >&"${TTY_FD[$1]}"; }

# shell_pid NAME: the shell's PID as it reports it; sets SHELL_PID.
shell_pid() {
	type_line "$1" "echo \$\$ >$T/$1.pid"
	wait_until 10 test -s "$T/$1.pid" || fail "shell $1 never ran a command: $(cat "$T/$1.tty")"
	SHELL_PID=$(cat "$T/$1.pid")
}

# end NAME: type exit, close the pty input, wait for script(1) to finish.
end_session() {
	type_line "$1" exit
	exec {TTY_FD[$1]}>&-
	wait "${SCRIPT_PID[$1]}"
}

start() {
	start_bg "$T/out" "$BIN" "$@"
	wait_for_line "$T/out" '^TIME +PID +COMMAND$'
}

stop() {
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$T/out")
	mapfile -t lines <"$T/out"
}

# commands PID: the COMMAND column of PID's lines ("%-8s %-7u %s": it
# starts at column 18; PIDs have at most 7 digits).
commands() {
	awk -v pid="$1" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == pid {
		print substr($0, 18) }' "$T/out"
}

@test "each line typed into an interactive bash is printed with that shell's PID" {
	start
	session a
	shell_pid a
	type_line a "true lesson12: first command  (two spaces)"
	type_line a 'x=$((6 * 7)); echo "$x"'
	# A non-interactive bash does not use readline: it must not show up.
	bash -c 'true lesson12-noninteractive'
	end_session a
	wait_for_line "$T/out" "^[0-9:]{8} +$SHELL_PID +exit$"
	stop
	assert_equal "$(commands "$SHELL_PID")" "echo \$\$ >$T/a.pid
true lesson12: first command  (two spaces)
x=\$((6 * 7)); echo \"\$x\"
exit"
	refute_output --partial "lesson12-noninteractive"
	# The shell really ran what we typed (the pty transcript shows its output).
	assert_file_contains "$T/a.tty" "^42"
}

@test "-p: only the shell with that PID" {
	local pa pb
	session a
	session b
	shell_pid a
	pa=$SHELL_PID
	shell_pid b
	pb=$SHELL_PID
	start -p "$pa"
	type_line b "true typed into b"
	end_session b
	# Shell a is already inside readline(): a uretprobe arms itself when a
	# call *enters*, so the call in progress is missed (or not, if we were
	# quick).  The warm-up line ends it; the next calls are all caught.
	type_line a ": warm-up"
	type_line a "true typed into a"
	end_session a
	wait_for_line "$T/out" "^[0-9:]{8} +$pa +exit$"
	stop
	assert_line --index 0 "Tracing readline() in /bin/bash for PID $pa. Ctrl-C to stop."
	assert_equal "$(commands "$pa" | grep -v '^: warm-up$')" "true typed into a
exit"
	refute_output --partial "typed into b"
	refute_output --regexp "[0-9:]{8} +$pb "
}

@test "bad input: clear one-line errors, non-zero exit" {
	run "$BIN" -b "$T/nosuch"
	assert_failure
	assert_output "uprobe_bashreadline: cannot read '$T/nosuch': No such file or directory"
	# An ELF file without readline(): libbpf's symbol lookup finds nothing.
	run "$BIN" -b /bin/true
	assert_failure
	assert_output --partial "uprobe_bashreadline: no function readline() in /bin/true"
	assert_equal "${#lines[@]}" 1
	run "$BIN" -p notapid
	assert_bad_input "uprobe_bashreadline: invalid PID 'notapid': want a whole number from 1 to 2147483647"
}

@test "SIGINT detaches: the program is gone and bash keeps working" {
	start
	run "$BPFTOOL" prog show name bash_readline
	assert_output --partial "kprobe"	# uprobes are BPF_PROG_TYPE_KPROBE programs
	stop
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name bash_readline)\" ]" ||
		fail "bash_readline still loaded"
	session a
	shell_pid a
	end_session a
}

@test "README: every Run it command works as written" {
	readme_run 4
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
