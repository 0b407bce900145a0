#!/usr/bin/env bats
# The root README's Troubleshooting section and tools/doctor's hints.
#
# Every command the section shows is run here as written (each subsection
# has a test; a subsection or command no test knows fails).  Each doctor
# hint is proven by creating its condition for real where that is harmless
# (a PID or user namespace, dropped capabilities, a VM kernel) or in a
# private mount namespace (unshare -m: a file bound over a kernel file, a
# filesystem unmounted; nothing outside it sees the change and it is gone
# when the command ends), then checking the hint and its fix command appear
# -- and that no hint appears on this host when its condition does not hold.
# shellcheck disable=SC2016 # $... in single quotes is for the inner shell
load lib
bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (mount namespaces, BPF)"
	ARCH_NAME=$(make -s -C "$ROOT/common" print-ARCH)
	MULTIARCH=$(gcc -print-multiarch)
	_USED=()
}

teardown() {
	# A database this test made up only as a mount point (a fresh clone has none).
	[ -z "${MADE_DB:-}" ] || rm -f "$ROOT/compile_commands.json"
}

# tshoot_commands: "SUBSECTION<TAB>COMMAND" for every command of the root
# README's Troubleshooting section, read as readme_commands reads "Run it".
tshoot_commands() { readme_commands "$ROOT/README.md" Troubleshooting subs; }

# tshoot_cmd SUBSECTION ERE: the one command of SUBSECTION matching ERE,
# without its comment, into $CMD; its "quoted text" into $WANT, its
# "(exits N)" into $EXPECT.  Remembered for tshoot_all_used.
tshoot_cmd() {
	local s line n=0 cmd note
	while IFS=$'\t' read -r s line; do
		[ "$s" = "$1" ] || continue
		cmd=$line note=""
		if [[ $line =~ ^(.*[^ ])\ +#\ (.*)$ ]]; then
			cmd=${BASH_REMATCH[1]} note=${BASH_REMATCH[2]}
		fi
		[[ $cmd =~ $2 ]] || continue
		n=$((n + 1))
		CMD=$cmd NOTE=$note WANT="" EXPECT=0
		[[ $note =~ \"([^\"]*)\" ]] && WANT=${BASH_REMATCH[1]}
		[[ $note =~ \(exits\ ([0-9]+)\) ]] && EXPECT=${BASH_REMATCH[1]}
		_USED+=("$1"$'\t'"$line")
	done < <(tshoot_commands)
	[ "$n" -eq 1 ] || fail "README Troubleshooting / $1: $n commands match /$2/ (want 1)"
}

# tshoot_all_used SUBSECTION [ERE]: every command of SUBSECTION was taken
# by tshoot_cmd in this test (but those matching ERE: another test's).
tshoot_all_used() {
	local s line u found
	while IFS=$'\t' read -r s line; do
		[ "$s" = "$1" ] || continue
		[ -z "${2:-}" ] || [[ ! $line =~ $2 ]] || continue
		found=""
		for u in "${_USED[@]}"; do [ "$u" = "$s"$'\t'"$line" ] && found=1; done
		[ -n "$found" ] || fail "README Troubleshooting / $1: no test runs: $line"
	done < <(tshoot_commands)
}

# tshoot_run [DIR]: run $CMD as written with bash in DIR (default: the
# workspace root); check $EXPECT and $WANT.
tshoot_run() {
	# cd on a line of its own: "cd X && CMD &" would put cd in the background job too.
	run -"$EXPECT" bash -c "cd \"${1:-$ROOT}\" || exit 99"$'\n'"$CMD"
	[ -z "$WANT" ] || assert_output --partial "$WANT"
}

# in_ns SETUP CMD...: CMD after the shell commands SETUP, in a private mount
# namespace (its mounts vanish with it).
in_ns() {
	local setup=$1
	shift
	unshare -m --propagation private bash -c "$setup"' && exec "$@"' ns "$@"
}

# doctor_in SETUP: tools/doctor in a private mount namespace after SETUP.
doctor_in() {
	run in_ns "$1" "$ROOT/tools/doctor"
}

# A private copy of the workspace (Makefile, common, tools, vmlinux and
# lessons 00 and 18) for commands that write into it.
copy_workspace() {
	WS=$BATS_TEST_TMPDIR/ws
	mkdir -p "$WS/lessons"
	cp -r "$ROOT/Makefile" "$ROOT/common" "$ROOT/tools" "$ROOT/vmlinux" "$WS/"
	cp -r "$ROOT/lessons/00-xdp-counter" "$ROOT/lessons/18-bootstrap" "$WS/lessons/"
}

# --- the README section ---------------------------------------------------

@test "README Troubleshooting: each subsection has a test here, in both languages" {
	run bash -c "sed -n '/^## Troubleshooting/,/^## [^#]/p' '$ROOT/README.md' | grep '^### '"
	assert_output '### No output
### "vmlinux.h" or BTF not found
### "asm/types.h" not found
### The verifier said no
### Docker, WSL, a VM without BTF
### Editors over SSH'
	# The Chinese section has the same subsections and the same commands.
	run bash -c "sed -n '/^## 故障排查/,/^## [^#]/p' '$ROOT/README.zh.md' | grep -c '^### '"
	assert_output 6
	mkdir "$BATS_TEST_TMPDIR/i18n"
	cp "$ROOT/README.md" "$ROOT/README.zh.md" "$BATS_TEST_TMPDIR/i18n/"
	run "$ROOT/tools/i18n-check" "$BATS_TEST_TMPDIR/i18n"
	assert_success
	# The one command before the first subsection.
	run bash -c "sed -n '/^## Troubleshooting/,/^### /p' '$ROOT/README.md' | grep '^    '"
	assert_output '    tools/doctor'
	run "$ROOT/tools/doctor"
	assert_success
	assert_line --regexp '^  ok    BTF +/sys/kernel/btf/vmlinux$'
}

@test "README No output: tracefs, tracing_on and trace_pipe, run as written inside a VM kernel" {
	local sub="No output" s=$BATS_TEST_TMPDIR/vm.sh
	# The tracing state is the whole machine's (other tests read trace_pipe):
	# break and fix it inside Debian's 6.1 kernel under qemu instead.
	tshoot_cmd "$sub" '^cat /sys/kernel/tracing/trace_pipe'
	local pipe=$CMD
	tshoot_cmd "$sub" '^mount -t tracefs'
	local mnt=$CMD
	tshoot_cmd "$sub" '^cat /sys/kernel/tracing/tracing_on'
	local on=$CMD want_on=$WANT
	tshoot_cmd "$sub" '^echo 1 >'
	local fix=$CMD
	{
		echo 'set -u; cd "$1"'
		echo 'umount -l /sys/kernel/debug 2>/dev/null; umount -l /sys/kernel/tracing 2>/dev/null'
		printf 'echo "== cat"; timeout 2 %s 2>&1; echo "rc=$?"\n' "$pipe"
		printf 'echo "== mount"; %s; echo "rc=$?"\n' "$mnt"
		echo 'echo 0 >/sys/kernel/tracing/tracing_on'
		printf 'echo "== tracing_on"; %s\n' "$on"
		echo 'echo lost-marker 2>/dev/null >/sys/kernel/tracing/trace_marker'
		printf 'echo "== fix"; %s; echo "rc=$?"\n' "$fix"
		echo 'echo "== read"; echo early-marker >/sys/kernel/tracing/trace_marker'
		printf '%s >"$2/cat.out" 2>&1 & sleep 1\n' "$pipe"
		echo 'echo seen-marker >/sys/kernel/tracing/trace_marker; sleep 1; kill $!; wait; cat "$2/cat.out"'
	} >"$s"
	# (tools/doctor's hints for these conditions: the tests further down.)
	run -0 "$ROOT/tools/vmtest" --kernel 6.1 --timeout 300 --rw "$BATS_TEST_TMPDIR" -- bash "$s" "$ROOT" "$BATS_TEST_TMPDIR"
	# Unmounted: cat fails as the README says; the README's mount fixes it.
	assert_output --partial "== cat
cat: /sys/kernel/tracing/trace_pipe: No such file or directory
rc=1
== mount
rc=0
== tracing_on
$want_on
== fix
rc=0
== read"
	# Lines written while tracing was off are gone; the unread line waiting
	# before cat started and the one written while it reads both arrive.
	assert_output --partial "early-marker"
	assert_output --partial "seen-marker"
	refute_output --partial "lost-marker"
	# The PID filter commands: the next test.
	tshoot_all_used "$sub" opensnoop
}

@test "README No output: a PID filter sees the process, not its children" {
	make -s -C "$ROOT/lessons/11-opensnoop"
	tshoot_cmd "No output" '^build/11-opensnoop/opensnoop -p \$\$'
	tshoot_run
	# cat /etc/hostname ran as the shell's child: not shown.
	refute_output --partial "/etc/hostname"
	tshoot_cmd "No output" '^sh -c'
	tshoot_run
}

@test "README vmlinux.h / BTF: the header from this kernel's BTF; BTF present" {
	local sub='"vmlinux.h" or BTF not found'
	tshoot_cmd "$sub" '^bpftool btf dump'
	tshoot_run "$BATS_TEST_TMPDIR"
	assert_success
	run grep -c '^struct task_struct {$' "$BATS_TEST_TMPDIR/vmlinux.h"
	assert_output 1
	# What make vmlinux writes (tools/vmlinux-gen) is the same dump.
	copy_workspace
	make -s -C "$WS" vmlinux
	run cmp "$BATS_TEST_TMPDIR/vmlinux.h" "$WS/vmlinux/$ARCH_NAME/vmlinux.h"
	assert_success
	# The header is what a CO-RE program builds against.
	run clang -g -O2 -target bpf -D__TARGET_ARCH_"$ARCH_NAME" -I"$BATS_TEST_TMPDIR" \
		-c "$ROOT/lessons/18-bootstrap/bootstrap.bpf.c" -o "$BATS_TEST_TMPDIR/b.o"
	assert_success
	tshoot_cmd "$sub" '^ls -l /sys/kernel/btf/vmlinux'
	tshoot_run
	assert_output --regexp '^-r--r--r-- .* /sys/kernel/btf/vmlinux$'
	tshoot_all_used "$sub"
}

@test "README asm/types.h: plain clang -target bpf fails, the README's -idirafter command builds" {
	local sub='"asm/types.h" not found'
	local src=$ROOT/lessons/00-xdp-counter/xdp_counter.bpf.c
	if [ ! -e /usr/include/asm ]; then
		run clang -g -O2 -target bpf -c "$src" -o "$BATS_TEST_TMPDIR/plain.o"
		assert_failure
		assert_output --partial "'asm/types.h' file not found"
	fi
	tshoot_cmd "$sub" '^make -s -C common print-CLANG_BPF_SYS_INCLUDES'
	tshoot_run
	assert_output --partial "-idirafter /usr/include/$MULTIARCH"
	tshoot_cmd "$sub" '^clang '
	rm -f /tmp/xdp_counter.bpf.o
	tshoot_run
	run readelf -h /tmp/xdp_counter.bpf.o
	rm -f /tmp/xdp_counter.bpf.o
	assert_output --regexp 'Machine: +Linux BPF'
	tshoot_cmd "$sub" '^dpkg -S'
	tshoot_run
	# "linux-libc-dev:amd64: ..." (Debian 12); Debian 13's is Multi-Arch:
	# foreign and names no architecture.
	assert_output --regexp "^linux-libc-dev(:$(dpkg --print-architecture))?: /usr/include/$MULTIARCH/asm/types.h\$"
	tshoot_all_used "$sub"
}

@test "README verifier: the sample log is lesson 03's real one; -v adds libbpf's lines" {
	local sub="The verifier said no" line
	make -s -C "$ROOT/lessons/03-loading"
	tshoot_cmd "$sub" '^build/03-loading/loading -p broken$'
	tshoot_run
	# Every sample line not elided ("...") is in the real output, but for
	# the source line numbers (the lesson may move).
	while IFS= read -r line; do
		[[ $line == *...* ]] && continue
		assert_output --regexp "$(sed -E -e 's/[][\\.^$*+?(){}|]/\\&/g' -e 's/(loading\\.bpf\\.c:)[0-9]+/\1[0-9]+/' <<<"$line")"
	done < <(sed -n '/^### The verifier said no/,/^### /p' "$ROOT/README.md" |
		sed -n '/^    \$ /,/^$/p' | sed -e '1d' -e '/^$/d' -e 's/^    //')
	assert_line "R0 invalid mem access 'map_value_or_null'"
	tshoot_cmd "$sub" "-v 2>&1 \| grep"
	tshoot_run
	assert_success
	assert_line "libbpf: prog 'broken': BPF program load failed: Permission denied"
	refute_output --partial "verifier log:"
	tshoot_all_used "$sub"
}

@test "README Docker/WSL/VM: the VM command runs; the not-run commands are doctor's fixes" {
	local sub="Docker, WSL, a VM without BTF"
	tshoot_cmd "$sub" '^tools/vmtest '
	tshoot_run
	assert_success
	assert_output --partial "Tracing exec() and exit of every process"
	# No Docker, no Windows here: these are what doctor prints as the fix
	# under the condition (tests below), word for word.
	tshoot_cmd "$sub" '^docker run'
	assert_equal "$NOTE" "(not run) no Docker on the test machine"
	local docker=$CMD
	run unshare -p -f --mount-proc "$ROOT/tools/doctor"
	assert_line "        fix: $docker"
	tshoot_cmd "$sub" '^wsl --update'
	local update=$CMD
	tshoot_cmd "$sub" '^wsl --shutdown'
	printf 'Linux version 5.10.16.3-microsoft-standard-WSL2 (oe-user@oe-host)\n' >"$BATS_TEST_TMPDIR/version"
	: >"$BATS_TEST_TMPDIR/empty"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/version /proc/version && mount --bind $BATS_TEST_TMPDIR/empty /sys/kernel/btf/vmlinux"
	assert_line "        fix: $update, then $CMD   (in Windows PowerShell)"
	tshoot_all_used "$sub"
}

@test "README Editors: make compile_commands.json, then clangd checks a .bpf.c cleanly" {
	local sub="Editors over SSH"
	copy_workspace
	tshoot_cmd "$sub" '^make compile_commands.json$'
	tshoot_run "$WS"
	assert_success
	assert_file_exists "$WS/compile_commands.json"
	tshoot_cmd "$sub" '^clangd --check='
	tshoot_run "$WS"
	assert_success
	# Kernel types resolved: no "unknown type" from vmlinux.h's absence.
	refute_output --partial "[unknown_typename]"
	tshoot_all_used "$sub"
	# Without the database clangd does not know the flags: errors.
	rm "$WS/compile_commands.json"
	run bash -c "cd '$WS' || exit 99"$'\n'"$CMD"
	assert_failure
	assert_output --regexp "[1-9][0-9]* errors"
}

# --- doctor's hints ------------------------------------------------------

@test "doctor on this host: no hint whose condition does not hold here" {
	local readers_before readers_after
	readers_before=$(find /proc/[0-9]*/fd -maxdepth 1 -lname '*/tracing/trace_pipe' 2>/dev/null | wc -l)
	run "$ROOT/tools/doctor"
	readers_after=$(find /proc/[0-9]*/fd -maxdepth 1 -lname '*/tracing/trace_pipe' 2>/dev/null | wc -l)
	assert_success
	# Each hint exactly when its condition holds here, checked independently
	# (on a healthy machine: none of them).
	if [ -r /sys/kernel/btf/vmlinux ]; then refute_output --regexp '(skip|FAIL) +BTF '; else assert_output --regexp 'skip +BTF '; fi
	if grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts; then refute_output --regexp 'skip +tracefs '; else assert_output --regexp 'skip +tracefs '; fi
	if [ "$(cat /sys/kernel/tracing/tracing_on)" = 1 ]; then refute_output --partial 'hint  tracing_on'; else assert_output --partial 'hint  tracing_on'; fi
	if [ -e "/usr/include/$MULTIARCH/asm/types.h" ]; then refute_output --regexp 'FAIL +BPF include path'; else assert_output --regexp 'FAIL +BPF include path'; fi
	if [ -s "$ROOT/vmlinux/$ARCH_NAME/vmlinux.h" ]; then refute_output --regexp '(hint|FAIL) +vmlinux.h'; else assert_output --regexp '(hint|FAIL) +vmlinux.h'; fi
	if [ "$(readlink /proc/self/ns/pid)" = "pid:[4026531836]" ]; then refute_output --partial 'PID namespace'; else assert_output --partial 'PID namespace'; fi
	if [ "$(readlink /proc/self/ns/user)" = "user:[4026531837]" ]; then refute_output --partial 'user namespace'; else assert_output --partial 'user namespace'; fi
	# CAP_SYS_ADMIN is bit 21 of the effective set.
	if (($(printf '%d' "0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)") >> 21 & 1)); then
		refute_output --regexp 'FAIL +root'
	else
		assert_output --regexp 'FAIL +root'
	fi
	if ! grep -qi microsoft /proc/version || [ -r /sys/kernel/btf/vmlinux ]; then refute_output --partial 'wsl --update'; fi
	if command -v clangd >/dev/null; then refute_output --partial 'hint  clangd'; else assert_output --partial 'hint  clangd'; fi
	if ! [[ $output =~ (FAIL\ +root|namespace) ]]; then refute_output --partial "docker run"; fi
	# compile_commands.json: a hint exactly when a lesson's .bpf.c is not
	# in it (other lessons may have been added since it was made).
	if python3 -c '
import glob, json, os, sys
db = {e["file"] for e in json.load(open(sys.argv[1] + "/compile_commands.json"))}
src = [os.path.abspath(f) for f in glob.glob(sys.argv[1] + "/lessons/[0-9][0-9]-*/*.bpf.c")
       if os.path.exists(os.path.dirname(f) + "/Makefile")]
sys.exit(0 if all(f in db for f in src) else 1)' "$ROOT" 2>/dev/null; then
		assert_line --regexp '^  ok    compile_commands.json '
	else
		assert_line --regexp '^  hint  compile_commands.json '
	fi
	# trace_pipe readers come and go (other lessons' tests): only when no
	# process held it before and after may doctor name none.
	if [ "$readers_before" = 0 ] && [ "$readers_after" = 0 ]; then
		refute_output --partial "read by PID"
	fi
}

@test "doctor: tracefs not mounted -> the mount command, which fixes it" {
	doctor_in 'umount -l /sys/kernel/tracing; umount -l /sys/kernel/debug 2>/dev/null; true'
	assert_line "  skip  tracefs                not mounted on /sys/kernel/tracing (loaders mount it when needed)"
	assert_line "        fix: mount -t tracefs tracefs /sys/kernel/tracing"
	refute_output --partial "hint  trace_pipe"
	# The fix, as doctor prints it, inside the same kind of namespace.
	run in_ns 'umount -l /sys/kernel/tracing; umount -l /sys/kernel/debug 2>/dev/null; mount -t tracefs tracefs /sys/kernel/tracing' "$ROOT/tools/doctor"
	assert_line "  ok    tracefs                mounted on /sys/kernel/tracing"
	# Nothing left behind.
	run grep -c " /sys/kernel/tracing tracefs " /proc/self/mounts
	assert_output 1
}

@test "doctor: tracing_on 0 -> echo 1 into it" {
	echo 0 >"$BATS_TEST_TMPDIR/on"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/on /sys/kernel/tracing/tracing_on"
	assert_line "  hint  tracing_on             0: bpf_printk lines are not recorded, trace_pipe stays silent"
	assert_line "        fix: echo 1 > /sys/kernel/tracing/tracing_on"
	# The fix, run as printed, on the same file: then no hint.
	doctor_in "mount --bind $BATS_TEST_TMPDIR/on /sys/kernel/tracing/tracing_on && echo 1 > /sys/kernel/tracing/tracing_on"
	refute_output --partial "hint  tracing_on"
	run cat "$BATS_TEST_TMPDIR/on"
	assert_output 1
}

@test "doctor: a process holding trace_pipe is named with its kill" {
	: >"$BATS_TEST_TMPDIR/pipe"
	# A stand-in trace_pipe, held open by a sleep in the same namespace.
	run in_ns "mount --bind $BATS_TEST_TMPDIR/pipe /sys/kernel/tracing/trace_pipe" bash -c '
		sleep 30 </sys/kernel/tracing/trace_pipe & pid=$!
		sleep 0.5; echo "pid=$pid"; "$1"; kill $pid' _ "$ROOT/tools/doctor"
	local pid
	pid=$(sed -n 's/^pid=//p' <<<"$output")
	[ -n "$pid" ]
	assert_output --regexp "  hint  trace_pipe             read by PID ([0-9]+ \([a-z-]+\), )*$pid \(sleep\)(, [0-9]+ \([a-z-]+\))*: another reader gets 'Device or resource busy' or misses lines"
	assert_output --regexp "        fix: kill ([0-9]+ )*$pid( [0-9]+)*"
	refute_output --partial "lines wait unread"
}

@test "doctor: unread lines in the trace buffer -> cat trace_pipe; none -> no hint" {
	local setup="" f n=0
	for f in /sys/kernel/tracing/per_cpu/cpu*/stats; do
		# 5 entries on the first CPU, none on the others.
		printf 'entries: %d\noverrun: 0\n' "$([ $n = 0 ] && echo 5 || echo 0)" >"$BATS_TEST_TMPDIR/stats$n"
		setup+="mount --bind $BATS_TEST_TMPDIR/stats$n $f && "
		n=$((n + 1))
	done
	# Only when nobody reads trace_pipe (a reader on this host: the other test).
	[ -z "$(find /proc/[0-9]*/fd -maxdepth 1 -lname '*/tracing/trace_pipe' 2>/dev/null)" ] ||
		skip "a process reads trace_pipe right now"
	doctor_in "${setup}true"
	assert_line "  hint  trace_pipe             5 lines wait unread in the trace buffer (bpf_printk writes there)"
	assert_line "        fix: cat /sys/kernel/tracing/trace_pipe"
	printf 'entries: 0\noverrun: 0\n' >"$BATS_TEST_TMPDIR/stats0"
	doctor_in "${setup}true"
	refute_output --partial "lines wait unread"
}

@test "doctor: no kernel BTF (missing, or not BTF) -> a kernel with BTF, meanwhile the VM" {
	local fix
	fix="        fix: apt-get install linux-image-$(dpkg --print-architecture), reboot into it (Debian's kernels have BTF); meanwhile: tools/vmtest --kernel 6.1 -- make -C lessons/18-bootstrap run ARGS=\"-d 2\""
	doctor_in 'mount -t tmpfs none /sys/kernel/btf'
	assert_line "  skip  BTF                    /sys/kernel/btf/vmlinux missing: CO-RE lessons cannot load"
	assert_line "$fix"
	: >"$BATS_TEST_TMPDIR/empty"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/empty /sys/kernel/btf/vmlinux"
	assert_line "  skip  BTF                    /sys/kernel/btf/vmlinux is not readable BTF: CO-RE lessons cannot load"
	assert_line "$fix"
	# The README's VM command is the same string (run by the Docker/WSL/VM test).
	run grep -cxF '    tools/vmtest --kernel 6.1 -- make -C lessons/18-bootstrap run ARGS="-d 2"' "$ROOT/README.md"
	assert_output 1
	refute_output --partial "wsl --update"
}

@test "doctor: WSL without BTF -> wsl --update; WSL with BTF -> nothing" {
	printf 'Linux version 5.10.16.3-microsoft-standard-WSL2 (oe-user@oe-host)\n' >"$BATS_TEST_TMPDIR/version"
	: >"$BATS_TEST_TMPDIR/empty"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/version /proc/version && mount --bind $BATS_TEST_TMPDIR/empty /sys/kernel/btf/vmlinux"
	assert_line "  skip  BTF                    /sys/kernel/btf/vmlinux is not readable BTF: CO-RE lessons cannot load (WSL 2 kernels before 5.15.74 have none)"
	assert_line "        fix: wsl --update, then wsl --shutdown   (in Windows PowerShell)"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/version /proc/version"
	assert_line --regexp '^  ok    BTF '
	refute_output --partial "wsl"
}

@test "doctor: <asm/types.h> gone -> FAIL, reinstall the package that owns it" {
	mkdir "$BATS_TEST_TMPDIR/emptydir"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/emptydir /usr/include/$MULTIARCH/asm"
	assert_failure 1
	assert_line --regexp "^  FAIL  BPF include path .*'asm/types.h' file not found \(linux-libc-dev owns /usr/include/$MULTIARCH/asm\)$"
	assert_line "        fix: apt-get install --reinstall linux-libc-dev   (as root)"
	# Independent: dpkg says that package owns it.
	run dpkg -S "/usr/include/$MULTIARCH/asm/types.h"
	assert_output --regexp "^linux-libc-dev:"
}

@test "doctor: no vmlinux.h for this arch -> make vmlinux (from BTF, or a Debian release without it)" {
	mkdir "$BATS_TEST_TMPDIR/emptydir"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/emptydir $ROOT/vmlinux/$ARCH_NAME"
	assert_success
	assert_line "  hint  vmlinux.h              no vmlinux/$ARCH_NAME/vmlinux.h: every build makes one from this kernel's BTF"
	assert_line "        fix: make vmlinux"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/emptydir $ROOT/vmlinux/$ARCH_NAME && mount -t tmpfs none /sys/kernel/btf"
	assert_failure 1
	assert_line "  FAIL  vmlinux.h              no vmlinux/$ARCH_NAME/vmlinux.h, and no kernel BTF to make one from"
	assert_line "        fix: make vmlinux FROM=bookworm"
}

@test "doctor: a PID namespace, no capabilities -> the privileged docker run" {
	local docker='        fix: docker run --rm -it --privileged --pid=host -v "$PWD":/work -w /work debian:12'
	run unshare -p -f --mount-proc "$ROOT/tools/doctor"
	assert_line "  hint  PID namespace          PIDs here are not the kernel's: -p PID filters never match, printed PIDs differ"
	assert_line "$docker"
	refute_output --partial "hint  user namespace"
	# Root as Docker starts it by default: no SYS_ADMIN, BPF or PERFMON.
	run setpriv --bounding-set -sys_admin,-bpf,-perfmon --inh-caps -sys_admin,-bpf,-perfmon "$ROOT/tools/doctor"
	assert_failure 1
	assert_line "  FAIL  root                   root without CAP_SYS_ADMIN or CAP_BPF+CAP_PERFMON (a container without --privileged?)"
	assert_line "$docker"
}

@test "doctor: a user namespace -> the privileged docker run" {
	# The kernel refuses a user namespace to a chrooted process (CI's root).
	unshare -U -r true 2>/dev/null ||
		skip "cannot make a user namespace here: $(unshare -U -r true 2>&1 | head -n1)"
	run unshare -U -r "$ROOT/tools/doctor"
	assert_line "  hint  user namespace         root here is not root to the kernel: BPF needs the initial user namespace (a rootless container?)"
	assert_line '        fix: docker run --rm -it --privileged --pid=host -v "$PWD":/work -w /work debian:12'
}

@test "doctor: compile_commands.json missing or stale, clangd missing -> the command" {
	: >"$BATS_TEST_TMPDIR/empty"
	if [ ! -e "$ROOT/compile_commands.json" ]; then
		: >"$ROOT/compile_commands.json"
		MADE_DB=1
	fi
	doctor_in "mount --bind $BATS_TEST_TMPDIR/empty $ROOT/compile_commands.json"
	assert_line "  hint  compile_commands.json  missing: clangd and CLion cannot see the build's flags"
	assert_line "        fix: make compile_commands.json"
	# A database without lesson 18 (made before it existed).
	local d
	for d in "$ROOT"/common "$ROOT"/lessons/[0-9][0-9]-*/; do
		[ -e "$d/Makefile" ] && make -s -C "$d" compdb
	done | grep -v '/lessons/18-bootstrap/' >"$BATS_TEST_TMPDIR/db"
	doctor_in "mount --bind $BATS_TEST_TMPDIR/db $ROOT/compile_commands.json"
	assert_line "  hint  compile_commands.json  lists no lessons/18-bootstrap/bootstrap.bpf.c (1 files missing): made before they existed or in another checkout"
	assert_line "        fix: make compile_commands.json"
	# clangd not executable any more: as good as not installed.
	doctor_in "mount --bind $BATS_TEST_TMPDIR/empty $(readlink -f "$(command -v clangd)")"
	assert_line "  hint  clangd                 not installed: VS Code's clangd extension (over Remote-SSH too) runs it on this machine"
	assert_line "        fix: apt-get install clangd"
}
