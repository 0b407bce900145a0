#!/usr/bin/env bats
# The workspace itself: build system, tools, README/CI agreement.
load lib

setup() { :; }

# A private copy of the workspace with lessons 00 and 01 only, so build
# tests neither disturb nor depend on the other lessons' state.
copy_workspace() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS/lessons"
	cp -r "$ROOT/Makefile" "$ROOT/common" "$ROOT/tools" "$ROOT/tests" "$ROOT/vmlinux" "$WS/"
	cp -r "$ROOT/lessons/00-xdp-counter" "$ROOT/lessons/01-helloworld" "$WS/lessons/"
}

@test "README's Quick start commands are what .ci/run runs, on a pristine root" {
	run sed -n '/^## Quick start/,/^## /p' "$ROOT/README.md"
	assert_line --regexp '^ +make -C lessons/00-xdp-counter run$'
	assert_line --regexp '^ +make test$'
	run grep -vE '^(#|set |cd |$)' "$ROOT/.ci/run"
	assert_output "tools/freshroot -- 'make -C lessons/00-xdp-counter run ARGS=\"-d 2\" && make test'"
}

@test "tools/deps path: the commands of the named groups, their dependencies and the base system only" {
	run "$ROOT/tools/deps" path "$BATS_TEST_TMPDIR/p" build
	assert_success
	assert_file_exists "$BATS_TEST_TMPDIR/p/clang"
	assert_file_exists "$BATS_TEST_TMPDIR/p/bpftool"
	assert_file_exists "$BATS_TEST_TMPDIR/p/sed"
	# update-alternatives names count too (awk -> mawk).
	assert_file_exists "$BATS_TEST_TMPDIR/p/awk"
	# bats is in the test group only.
	assert_file_not_exists "$BATS_TEST_TMPDIR/p/bats"
	run "$ROOT/tools/deps" path "$BATS_TEST_TMPDIR/p" test
	assert_file_exists "$BATS_TEST_TMPDIR/p/bats"
	assert_file_exists "$BATS_TEST_TMPDIR/p/jq"
}

@test "the suite runs with only tools/deps' commands on PATH" {
	# tests/run exported it to this very test (bats adds its own libexec).
	[ -n "${LESSON_TESTS_RUN:-}" ] || skip "run through tests/run (make test), not bats directly"
	[ "${DEPS_PATH:-1}" != 0 ] || skip "DEPS_PATH=0 asked for the usual PATH"
	run bash -c 'tr : "\n" <<<"$PATH" | grep -v /bats'
	assert_output "$ROOT/build/deps-path"
}

@test "tests/run: an argument naming no lesson or .bats file exits 2, runs nothing, writes no TAP" {
	local d=$ROOT/build/test-results/badarg-$$
	run env RESULTS_LABEL="badarg-$$" "$ROOT/tests/run" --filter lessons/nope
	assert_failure 2
	assert_output "tests/run: no lesson directory or .bats file '--filter'"
	assert [ ! -e "$d" ]
	rm -rf "$d"
}

@test "tests/run --only: runs the tests a list (file or pipe) names, and keeps the file's whole TAP" {
	local label=only-$$ f=$BATS_TEST_TMPDIR/two.bats
	local d=$ROOT/build/test-results/only-$$
	printf '%s\n' '@test "first" {' 'true' '}' '@test "second" {' 'true' '}' >"$f"
	run env RESULTS_LABEL="$label" VMTEST=0 "$ROOT/tests/run" "$f"
	assert_success
	# A pipe, as from --only <(...): read once, not once per use.
	run env RESULTS_LABEL="$label" VMTEST=0 "$ROOT/tests/run" --only <(printf '%s\tsecond\n' "$f")
	assert_success
	assert_output --partial "ok 1 second"
	refute_output --partial "first"
	# The whole file's result, two tests; the --only run's beside it.
	run cat "$d"/*two.tap
	assert_line --index 0 "1..2"
	run cat "$d"/*two.only.tap
	rm -rf "$d"
	assert_output "1..1
ok 1 second"
}

@test "tests/run fails when a test leaves a clsact qdisc or a netns behind, naming them" {
	local label=leak-$$ dev=lsleak$$ ns=lsleak$$ f=$BATS_TEST_TMPDIR/leak.bats
	ip link add "$dev" type veth peer name "${dev}p"
	# printf: bats would rewrite an @test line in a heredoc of this file.
	printf '%s\n' '@test "leaves things" {' "tc qdisc add dev $dev clsact" "ip netns add $ns" '}' >"$f"
	run env RESULTS_LABEL="$label" VMTEST=0 "$ROOT/tests/run" "$f"
	ip netns del "$ns" 2>/dev/null || true
	ip link del "$dev"
	rm -rf "$ROOT/build/test-results/$label"
	assert_failure
	assert_line "ok 1 leaves things"
	assert_line "#   netns $ns"
	assert_line "#   qdisc clsact on $dev"
	assert_line "1 passed, 1 failed, 0 skipped"
}

@test "every lesson's test takes its README's Run it commands from the README (readme_run, readme_cmds) or has each verbatim" {
	local d cmd missing=""
	for d in "$ROOT"/lessons/[0-9][0-9]-*; do
		grep -qE '^[[:space:]]*readme_run\b|\(readme_cmds\)' "$d/test.bats" && continue
		while IFS= read -r cmd; do
			grep -qF -- "$cmd" "$d/test.bats" || missing+="$(basename "$d"): $cmd"$'\n'
		done < <(LESSON_DIR=$d readme_cmds)
	done
	assert_equal "$missing" ""
}

@test "a README command that second-terminal commands run beside is stopped by Ctrl-C, not -d (a slow machine outlasts -d)" {
	local d early=""
	for d in "$ROOT"/lessons/[0-9][0-9]-*; do
		early+=$(readme_commands "$d/README.md" |
			awk -v l="$(basename "$d")" '/\(second terminal\)/ { if (prev ~ / -d [0-9]/) print l ": " prev; next } { prev = $0 }')
	done
	assert_equal "$early" ""
}

@test "make -j2 from clean builds every lesson; touching one .bpf.c rebuilds only its lesson" {
	skip_if_sanitize "the usual build in a fresh copy is the usual run's to check"
	copy_workspace
	run make -C "$WS" -j2
	assert_success
	assert_file_executable "$WS/build/00-xdp-counter/xdp_counter"
	assert_file_executable "$WS/build/01-helloworld/helloworld"
	assert_file_exists "$WS/build/01-helloworld/helloworld.skel.h"
	# Quiet mode: one short line per step.
	assert_line --partial "  BPF      build/01-helloworld/helloworld.tmp.bpf.o"
	refute_output --partial "clang -g"

	run make -C "$WS"
	refute_output --regexp '  (BPF|CC|BINARY) '

	touch "$WS/lessons/01-helloworld/helloworld.bpf.c"
	run make -C "$WS"
	assert_success
	assert_line --partial "  BPF      build/01-helloworld/helloworld.tmp.bpf.o"
	assert_line --partial "  BINARY   build/01-helloworld/helloworld"
	refute_output --partial "00-xdp-counter"
}

@test "header dependencies are tracked (-MMD), V=1 shows full commands" {
	skip_if_sanitize "the usual build's commands (cc, no -fsanitize) are the usual run's to check"
	copy_workspace
	make -C "$WS" -j2 >/dev/null
	touch "$WS/common/helpers.h"
	run make -C "$WS/lessons/00-xdp-counter" V=1
	assert_success
	assert_output --regexp "cc .*-c $WS/lessons/00-xdp-counter/xdp_counter.c"
	refute_output --partial "tmp.bpf.o"
	touch "$WS/common/bpf/lesson.bpf.h"
	run make -C "$WS/lessons/01-helloworld"
	refute_output --partial "  BPF "
}

@test "BPF objects build without a hand-made /usr/include/asm" {
	[ ! -e /usr/include/asm ] || skip "/usr/include/asm exists on this machine"
	local src=$ROOT/lessons/00-xdp-counter/xdp_counter.bpf.c
	# Plain clang -target bpf misses the multiarch dir: <asm/types.h> fails...
	run clang -O2 -target bpf -c "$src" -o "$BATS_TEST_TMPDIR/plain.o"
	assert_failure
	assert_output --partial "asm/types.h"
	# ...the fragment's -idirafter list fixes it.
	run make -s -C "$ROOT/lessons/00-xdp-counter" OUT="$BATS_TEST_TMPDIR/out" \
		"$BATS_TEST_TMPDIR/out/xdp_counter.bpf.o"
	assert_success
	assert_file_exists "$BATS_TEST_TMPDIR/out/xdp_counter.bpf.o"
}

@test "an arch with no committed vmlinux.h gets one from this kernel's BTF, and is told so" {
	skip_if_sanitize "the usual build in a fresh copy is the usual run's to check"
	copy_workspace
	local arch
	arch=$(make -s -C "$WS/common" print-ARCH)
	rm -rf "$WS/vmlinux/$arch"
	run make -C "$WS/lessons/00-xdp-counter"
	assert_success
	assert_output --partial "no vmlinux/$arch/vmlinux.h committed: making one from this kernel's BTF"
	assert_file_exists "$WS/build/vmlinux/$arch/vmlinux.h"
	run grep -c '^struct xdp_md {$' "$WS/build/vmlinux/$arch/vmlinux.h"
	assert_output 1
	assert_file_executable "$WS/build/00-xdp-counter/xdp_counter"
}

@test "make vmlinux FROM=FILE: the BTF of a kernel image, checked by bpftool" {
	local img=$BATS_TEST_TMPDIR/img
	# An image-like file: junk, the running kernel's BTF blob, junk.
	{ head -c 4096 /dev/urandom; cat /sys/kernel/btf/vmlinux; head -c 4096 /dev/zero; } >"$img"
	run "$ROOT/tools/vmlinux-gen" x86 "$img" "$BATS_TEST_TMPDIR/v.h"
	assert_success
	run cmp <("$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux format c) "$BATS_TEST_TMPDIR/v.h"
	assert_success
	# Not BTF at all: a clear failure, no header.
	head -c 65536 /dev/urandom >"$img"
	run "$ROOT/tools/vmlinux-gen" x86 "$img" "$BATS_TEST_TMPDIR/w.h"
	assert_failure
	assert_file_not_exists "$BATS_TEST_TMPDIR/w.h"
}

@test "make vmlinux FROM=FILE: BTF inside a gzip, xz or zstd payload (bzImage, zboot)" {
	local img=$BATS_TEST_TMPDIR/img z
	# Like an x86 bzImage: setup code, then vmlinux (here: junk, the BTF,
	# junk) compressed; Debian's kernels use xz (5.10, 6.1) and zstd (6.16+).
	for z in "gzip -c" "xz -c" "zstd -qc"; do
		{ head -c 4096 /dev/urandom
		  { head -c 4096 /dev/zero; cat /sys/kernel/btf/vmlinux; head -c 512 /dev/zero; } | $z
		  head -c 4096 /dev/zero; } >"$img"
		run "$ROOT/tools/vmlinux-gen" x86 "$img" "$BATS_TEST_TMPDIR/v.h"
		assert_success
		run cmp <("$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux format c) "$BATS_TEST_TMPDIR/v.h"
		assert_success
		rm "$BATS_TEST_TMPDIR/v.h"
	done
}

@test "compile_commands.json covers both halves with their real flags" {
	copy_workspace
	run make -C "$WS" compile_commands.json
	assert_success
	run python3 -c '
import json, sys
db = json.load(open(sys.argv[1]))
files = {e["file"].split("/lessons/")[-1]: e["arguments"] for e in db if "/lessons/" in e["file"]}
bpf = files["00-xdp-counter/xdp_counter.bpf.c"]
assert "-target" in bpf and bpf[bpf.index("-target") + 1] == "bpf", bpf
assert any(a.endswith("/vmlinux/x86") or "/vmlinux/" in a for a in bpf), bpf
assert any(a.startswith("-D__TARGET_ARCH_") for a in bpf), bpf
user = files["01-helloworld/helloworld.c"]
assert any(a.endswith("/common") for a in user), user
print(len(db))' "$WS/compile_commands.json"
	assert_success
}

@test "testenv: setup, ping, status, teardown; refuses duplicates; rolls back" {
	local n=lsnws$$
	run "$ROOT/tools/testenv" setup "$n"
	assert_success
	_NETNS+=("$n")
	run "$ROOT/tools/testenv" status
	assert_line "$n"
	run "$ROOT/tools/testenv" ping "$n" 2
	assert_success
	assert_output --partial "2 received"
	run "$ROOT/tools/testenv" setup "$n"
	assert_failure
	assert_output --partial "already exists"
	run "$ROOT/tools/testenv" teardown "$n"
	assert_success
	run ip netns list
	refute_output --partial "$n"

	# A peer namespace in the way: setup fails, leaves nothing of its own,
	# and keeps what it did not create.
	ip netns add "$n-peer"
	run "$ROOT/tools/testenv" setup "$n"
	assert_failure
	run ip netns list
	refute_line --regexp "^$n( |$)"
	assert_line --regexp "^$n-peer( |$)"
	ip netns del "$n-peer"
	run "$ROOT/tools/testenv" setup "bad name"
	assert_failure
	assert_output --partial "bad name"
}

@test "deps: everything needed is present; unknown groups are refused" {
	run "$ROOT/tools/deps" check build test
	assert_success
	run "$ROOT/tools/deps" check nosuchgroup
	assert_failure 2
	run "$ROOT/tools/deps" list build
	assert_line libbpf-dev
	assert_line bpftool
}

@test "featprobe answers by probing: program types load, kprobe needs an attach" {
	run "$FEATPROBE" tracepoint xdp ringbuf
	assert_success
	assert_output "tracepoint: supported
xdp: supported
ringbuf: supported"
	run "$FEATPROBE" nosuch
	assert_failure 2
	assert_output --partial "unknown feature 'nosuch'"
	# Independent oracle: the kernel's kprobe PMU or kprobe_events exists
	# exactly when kprobes can be attached.
	run "$FEATPROBE" kprobe
	if [ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
		assert_success
	else
		assert_failure 1
		assert_output --partial "kprobe: unsupported"
	fi
}

@test "doctor reports every lesson and this kernel's probes" {
	run "$ROOT/tools/doctor"
	assert_success
	assert_output --partial "00-xdp-counter"
	assert_output --partial "01-helloworld"
	assert_output --regexp "kprobe +(supported|unsupported)"
}

@test "make check: C is clang-formatted, scripts are shellcheck-clean, metadata complete" {
	skip_if_sanitize "make check lints the usual build (its own SANITIZE=1 unit run included)"
	# clang-tidy over common/ only: the lessons' share is slow (make check runs it).
	run env TIDY=common make -s -C "$ROOT" check
	assert_success
	assert_output --partial "check: ok"
}

@test "lesson table lists every lesson with its metadata" {
	run "$ROOT/tools/lesson-table"
	assert_success
	local d
	for d in "$ROOT"/lessons/[0-9][0-9]-*/lesson.conf; do
		assert_output --partial "[$(basename "$(dirname "$d")")]"
	done
}

@test "lesson table --update keeps the cells no TAP here replaces" {
	# build/ does not survive a new machine: earlier runs' cells must.
	local res=$BATS_TEST_TMPDIR/results readme=$BATS_TEST_TMPDIR/README.md
	cp "$ROOT/README.md" "$readme"
	mkdir -p "$res/7.2"
	run env LESSON_TABLE_RESULTS="$res" "$ROOT/tools/lesson-table" --update "$readme"
	assert_success
	run diff "$ROOT/README.md" "$readme"
	assert_success
	# A TAP here replaces its own cell, and only that one.
	printf '1..2\nok 1 a\nok 2 b # skip no fakefeat\n' >"$res/7.2/01-helloworld.tap"
	run env LESSON_TABLE_RESULTS="$res" "$ROOT/tools/lesson-table" --update "$readme"
	assert_success
	run diff "$ROOT/README.md" "$readme"
	assert_failure
	assert_equal "$(grep -c '^[<>]' <<<"$output")" 2
	assert_output --regexp '> \| \[01-helloworld\].*\| pass 1, skip 1 \| [^|]+ \| [^|]+ \| [^|]+ \| [^|]+ \|$'
}

# fake_lesson_run STUB-BODY [FEATURES TEST-BODY]: a throwaway lesson needing
# FEATURES (default: feature "fakefeat"), whose one test does TEST-BODY
# (default: true), run by bats with FEATPROBE pointing at a stub script doing
# STUB-BODY (or at a missing file when STUB-BODY is "missing").
fake_lesson_run() {
	local dir=$BATS_TEST_TMPDIR/lessons/99-fake stub=$BATS_TEST_TMPDIR/featprobe
	mkdir -p "$dir"
	echo "features=${2-fakefeat}" >"$dir/lesson.conf"
	# printf: bats would rewrite an @test line in a heredoc of this file.
	printf '%s\n' "load $ROOT/tests/lib" 'setup() { lesson_setup; }' \
		'teardown() { lesson_teardown; }' '@test "needs fakefeat" {' "${3:-true}" '}' >"$dir/test.bats"
	rm -f "$stub"
	if [ "$1" != missing ]; then
		printf '#!/bin/bash\n%s\n' "$1" >"$stub"
		chmod +x "$stub"
	fi
	# A clean environment: the outer bats exports its own settings (--filter).
	run env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin FEATPROBE="$stub" bats --tap "$dir/test.bats"
}

@test "require_feature: only featprobe's 'unsupported' (exit 1) skips; anything else fails" {
	fake_lesson_run 'echo "$1: supported"'
	assert_success
	assert_line "ok 1 needs fakefeat"
	fake_lesson_run 'echo "$1: unsupported (no such thing here)"; exit 1'
	assert_success
	assert_line "ok 1 needs fakefeat # skip kernel lacks fakefeat: unsupported (no such thing here)"
	fake_lesson_run 'echo "$1: inconclusive (probe failed: EPERM)"; exit 2'
	assert_failure
	assert_line "not ok 1 needs fakefeat"
	assert_output --partial "feature probe fakefeat failed (featprobe exit 2, expected 0 or 1): fakefeat: inconclusive (probe failed: EPERM)"
	# A crash, even one that printed "unsupported" first.
	fake_lesson_run 'echo "$1: unsupported (x)"; kill -SEGV $$'
	assert_failure
	assert_output --partial "feature probe fakefeat failed (featprobe exit 139"
	fake_lesson_run missing
	assert_failure
	assert_output --partial "feature probe fakefeat failed (featprobe exit 127"
	# The real featprobe on a name it does not know: inconclusive, a failure.
	sed -i 's/features=fakefeat/features=no_such_feature/' "$BATS_TEST_TMPDIR/lessons/99-fake/lesson.conf"
	run env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bats --tap "$BATS_TEST_TMPDIR/lessons/99-fake/test.bats"
	assert_failure
	assert_output --partial "feature probe no_such_feature failed (featprobe exit 2, expected 0 or 1): no_such_feature: inconclusive (unknown feature 'no_such_feature')"
}

@test "has_feature: true or false by the probe; inconclusive fails the test, even inside an if" {
	local body='if has_feature fakefeat; then echo "# took yes" >&3; else echo "# took no" >&3; fi'
	fake_lesson_run 'echo "$1: supported"' "" "$body"
	assert_success
	assert_line "# took yes"
	fake_lesson_run 'echo "$1: unsupported (no such thing here)"; exit 1' "" "$body"
	assert_success
	assert_line "# took no"
	fake_lesson_run 'echo "$1: inconclusive (probe failed: EPERM)"; exit 2' "" "$body"
	assert_failure
	assert_line "not ok 1 needs fakefeat"
	refute_line --regexp "^# took"
	assert_output --partial "feature probe fakefeat failed (featprobe exit 2, expected 0 or 1): fakefeat: inconclusive (probe failed: EPERM)"
}

# A minimal static aarch64 ELF: exit(42) (movz x0, #42; movz x8, #93; svc #0).
aarch64_exit42() {
	python3 - "$1" <<'PY'
import struct, sys
code = struct.pack('<3I', 0xD2800540, 0xD2800BA8, 0xD4000001)
base, off = 0x400000, 64 + 56
ehdr = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8) + struct.pack(
    '<HHIQQQIHHHHHH', 2, 183, 1, base + off, 64, 0, 0, 64, 56, 1, 0, 0, 0)
phdr = struct.pack('<IIQQQQQQ', 1, 5, 0, base, base, off + len(code), off + len(code), 0x1000)
open(sys.argv[1], 'wb').write(ehdr + phdr + code)
PY
	chmod +x "$1"
}

@test "tools/userns: root of its own user namespace, --net has only lo, --chroot a root of its own, --binfmt runs another arch's program" {
	run "$ROOT/tools/userns" --bogus true
	assert_failure 2
	assert_output "userns: unknown option '--bogus'"
	if ! unshare --user true 2>/dev/null; then
		run "$ROOT/tools/userns" -- true
		assert_failure 125
		assert_output --partial "userns: cannot make a user namespace here"
		skip "this machine refuses user namespaces (a chroot does): only the refusal was checked"
	fi
	run "$ROOT/tools/userns" -- sh -c 'id -u; cat /proc/self/uid_map; exit 7'
	assert_failure 7
	assert_line 0
	assert_line --regexp '^ +0 +0 +65536$'
	run "$ROOT/tools/userns" --net -- ip -o link
	assert_success
	assert_output --regexp '^1: lo: '
	assert_equal "${#lines[@]}" 1
	# --chroot: a busybox root; pid 1 of its own, a sysfs of its own
	# (only lo), nothing of our environment but what it sets.
	if [ -x /bin/busybox ]; then
		local r=$BATS_TEST_TMPDIR/root
		mkdir -p "$r/dev" "$r/proc" "$r/sys" "$r/usr/bin"
		cp /bin/busybox "$r/usr/bin/"
		ln -s busybox "$r/usr/bin/env"
		ln -s busybox "$r/usr/bin/sh"
		FROM_HOST=1 run "$ROOT/tools/userns" --net --chroot "$r" -- sh -c \
			'cat /proc/1/comm; ls /sys/class/net; env | grep -c FROM_HOST; echo "$container"; exit 3'
		assert_failure 3
		assert_output "$(printf 'sh\nlo\n0\nlxc')"
	fi
	local conf=/usr/lib/binfmt.d/qemu-aarch64.conf
	[ -r "$conf" ] || skip "no $conf (qemu-user-static: tools/deps ensure vm-arm64)"
	aarch64_exit42 "$BATS_TEST_TMPDIR/exit42"
	# The machine's own binfmt_misc has no aarch64 entry here, so the
	# oracle: without --binfmt the kernel refuses it, with it qemu runs it.
	if ! grep -qs aarch64 /proc/sys/fs/binfmt_misc/*; then
		run "$ROOT/tools/userns" -- "$BATS_TEST_TMPDIR/exit42"
		assert_failure 126
	fi
	run "$ROOT/tools/userns" --binfmt "$conf" -- "$BATS_TEST_TMPDIR/exit42"
	assert_failure 42
}
