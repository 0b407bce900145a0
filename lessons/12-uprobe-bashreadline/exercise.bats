#!/usr/bin/env bats
# Exercise 12 (README "Exercise"): a uprobe on readline()'s entry keeps the
# prompt in a hash map keyed by PID; each line is printed after the prompt.
# Checked with an interactive bash we drive through a pty (script(1)),
# whose prompt we set and whose PID it reports itself.
load ../../tests/lib

BIN=$OUT/uprobe_bashreadline

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

start() {
	start_bg "$T/out" "$BIN"
	wait_for_line "$T/out" '^TIME +PID +COMMAND$' 5
}

# An interactive bash on a pty reading from the fifo $T/in (held open on
# fd TTY): no rc file, no history file.  Sets SCRIPT_PID.
session() {
	mkfifo "$T/in"
	SHELL=/bin/sh HISTFILE=/dev/null TERM=dumb \
		script -qfc "bash --norc -i" /dev/null <"$T/in" >"$T/tty" 2>&1 3>&- &
	SCRIPT_PID=$!
	_BG_PIDS+=("$!")
	exec {TTY}>"$T/in"
}
type_line() { printf '%s\n' "$1" >&"$TTY"; }
end_session() {
	type_line exit
	exec {TTY}>&-
	wait "$SCRIPT_PID"
}

# prompt_keys: the keys of the map prompts, one a line.
prompt_keys() { "$BPFTOOL" -j map dump name prompts | jq -r '.[].formatted.key'; }

@test "the program has a map prompts: a HASH keyed by a 4-byte PID" {
	start
	run "$BPFTOOL" -j map show name prompts
	assert_success
	assert_equal "$(jq -r '.type' <<<"$output")" hash
	assert_equal "$(jq -r '.bytes_key' <<<"$output")" 4
}

@test "each line is printed after the prompt the shell showed, and its map entry is gone after" {
	start
	session
	# Both quotes keep the prompt's trailing space.
	type_line "PS1='lesson12> '"
	type_line 'echo $$ >'"$T/pid"
	wait_until 5 test -s "$T/pid" || fail "the shell never ran a command: $(cat "$T/tty")"
	local pid
	pid=$(cat "$T/pid")
	type_line "true exercise 12"
	end_session
	wait_for_line "$T/out" "^[0-9:]{8} +$pid +lesson12> exit$" 5
	# The return deleted what the entry stored for this shell.
	local keys
	keys=$(prompt_keys) || fail "bpftool cannot dump the map prompts"
	! grep -qx "$pid" <<<"$keys" || fail "prompts still has an entry for PID $pid"
	stop_bg_output "$T/out"
	assert_line --regexp "^[0-9:]{8} +$pid +lesson12> echo \\\$\\\$ >$T/pid$"
	assert_line --regexp "^[0-9:]{8} +$pid +lesson12> true exercise 12$"
	# The line that set the prompt was read with the default one.
	assert_line --regexp "^[0-9:]{8} +$pid +[^ ].*[#$] PS1='lesson12> '$"
}
