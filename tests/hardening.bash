# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Shared helpers of the workspace-wide hardening tests (badinput, badenv,
# faults): they run every lesson's loader, so "nothing left behind" is
# judged over all of build/, while other lessons' tests may be running.
#
#	load lib
#	load hardening

# held_prog_ids: ids of programs some live process holds an fd of (a
# program fd, or a link fd naming it).  A loader that is still running is not
# a leak; one that died and left its program behind (a pin, a legacy attach,
# a TC filter) leaves it held by nobody.
held_prog_ids() {
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u
}

# orphans: "ID NAME" of programs built from this workspace that no process
# holds, plus every bpffs entry (pins), sorted.  ORPHAN_SCOPE=DIR (a
# lesson's build directory, for a loader that never pins): only programs
# from DIR's objects, no pins, so other test runs on the machine (their
# programs and pins) are not mistaken for this loader's leaks.
orphans() {
	{
		join -v1 <("$ROOT/tests/bpf-ours" ${ORPHAN_SCOPE:+"$ORPHAN_SCOPE"} | sort -k1,1) \
			<(held_prog_ids | sort) | sed 's/^/prog /'
		[ -n "${ORPHAN_SCOPE:-}" ] ||
			find /sys/fs/bpf -mindepth 1 ! -path '/sys/fs/bpf/*.debug' 2>/dev/null |
			sed 's/^/pin /'
	} | LC_ALL=C sort
}

# orphans_snapshot FILE / assert_no_new_orphans FILE: what was there before,
# and a bounded wait for anything new to go (the kernel frees a program a
# little after its last reference).
orphans_snapshot() { orphans >"$1"; }
_new_orphans() { LC_ALL=C comm -13 "$1" <(orphans); }
_no_new_orphans() { [ -z "$(_new_orphans "$1")" ]; }
assert_no_new_orphans() {
	wait_until "${2:-10}" _no_new_orphans "$1" ||
		fail "left behind: $(_new_orphans "$1" | paste -sd,)"
}

# nobody_copy BIN: a world-readable copy of BIN and the files beside it
# (its .bpf.o) in a fresh /tmp directory (the workspace may be under 0700
# /root); prints the copy's path.  The caller removes "$(dirname copy)".
nobody_copy() {
	local dir
	dir=$(mktemp -d /tmp/lsn-nobody.XXXXXX)
	chmod 755 "$dir"
	# (-L: build/ may be a view of symlinks, tests/run's SANITIZE=1 run)
	find -L "$(dirname "$1")" -maxdepth 1 -type f -exec cp -p {} "$dir/" \;
	chmod -R a+rX "$dir"
	echo "$dir/$(basename "$1")"
}

# lesson_run_args LESSON: the lesson's `make run` arguments (RUN_ARGS), with
# their shell quoting (print-RUN_ARGS would lose it: -c '$(CMD)').
lesson_run_args() {
	# shellcheck disable=SC2016 # make syntax
	make -s --no-print-directory -C "$ROOT/lessons/$1" \
		--eval '_print_raw: ; @: $(info $(RUN_ARGS))' _print_raw 2>/dev/null
}

# lesson_sample_args LESSON: what a learner types to get past parsing, as
# shell-quoted words (eval "argv=($(lesson_sample_args L))"): lesson.conf's
# sample_args= (where $OUT is the lesson's build directory), else the
# lesson's `make run` arguments, split as the shell in `make run` does.
lesson_sample_args() {
	# shellcheck disable=SC2034 # OUT is for the eval below
	local OUT=$BUILD/$1 args
	local -a argv
	args=$(lesson_key "$1" sample_args)
	[ -n "$args" ] || args=$(lesson_run_args "$1")
	eval "argv=($args)"
	[ ${#argv[@]} -eq 0 ] || printf '%q ' "${argv[@]}"
}

# lesson_key LESSON KEY: a value from lessons/LESSON/lesson.conf.
lesson_key() {
	sed -n "s/^$2=//p" "$ROOT/lessons/$1/lesson.conf" 2>/dev/null || true
}

# lesson_apps LESSON: the lesson's loader names (APPS).
lesson_apps() {
	make -s --no-print-directory -C "$ROOT/lessons/$1" print-APPS 2>/dev/null
}
