#!/usr/bin/env bats
# Lesson 02: the static, self-contained loader; byte orders; CO-RE.
load ../../tests/lib

BIN=$OUT/portable

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# run_traced DIR ARGS...: start DIR/portable ARGS, exec a program we name,
# and check its line: PID is the child's, PPID is this shell's.
run_traced() {
	local dir=$1 out=$BATS_TEST_TMPDIR/out pid
	shift
	cp /bin/true "$BATS_TEST_TMPDIR/portable-true"
	start_bg "$out" bash -c 'cd "$1" && shift && exec ./portable "$@"' _ "$dir" "$@"
	wait_for_line "$out" '^PID +PPID +COMM$'
	"$BATS_TEST_TMPDIR/portable-true" &
	pid=$!
	wait "$pid"
	wait_for_line "$out" "^$pid +$BASHPID +portable-true$"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	output=$(cat "$out")
	mapfile -t lines <"$out"
}

@test "the static binary runs alone in an empty directory and traces exec()" {
	local dir=$BATS_TEST_TMPDIR/empty
	mkdir "$dir"
	cp "$BIN" "$dir/"
	run ls -A "$dir"
	assert_output "portable"
	run_traced "$dir"
	# The embedded ELF is byte for byte the size of the object make built.
	assert_line --index 0 "Embedded BPF object: $(stat -c %s "$OUT/portable.bpf.o") bytes, little-endian"
}

@test "file and readelf: statically linked, no interpreter, no dynamic section" {
	if [ "$(make -s -C "$LESSON_DIR" print-STATIC_LIBELF)" = no ]; then
		# lesson.mk's probe: a static libelf does not link on this toolchain
		# (Debian 13), so only libbpf is static, libelf and libc dynamic.
		run readelf -d "$BIN"
		assert_output --regexp 'NEEDED.*libelf\.so'
		refute_output --partial "libbpf.so"
		run nm "$BIN"
		assert_output --partial ' T bpf_object__load_skeleton'
		return
	fi
	run file "$BIN"
	assert_output --partial "statically linked"
	refute_output --partial "dynamically linked"
	run readelf -l "$BIN"
	refute_output --partial "INTERP"
	run readelf -d "$BIN"
	assert_output --partial "There is no dynamic section"
}

@test "both byte orders are built: bpfel is LSB, bpfeb is MSB" {
	run readelf -h "$OUT/portable.bpfel.o"
	assert_output --regexp "Data: +2's complement, little endian"
	assert_output --regexp "Machine: +Linux BPF"
	run readelf -h "$OUT/portable.bpfeb.o"
	assert_output --regexp "Data: +2's complement, big endian"
	assert_output --regexp "Machine: +Linux BPF"
	run file "$OUT/portable.bpfeb.o"
	assert_output --partial "ELF 64-bit MSB relocatable, eBPF"
}

@test "the foreign-endian object is refused with libbpf's reason" {
	run "$BIN" --object "$OUT/portable.bpfeb.o"
	assert_failure
	if [[ $output == *"loading non-native endianness is unsupported"* ]]; then
		# libbpf >= 1.3 (Debian 13's 1.5) opens it, for bpftool's linker,
		# and refuses only at load.
		assert_line "libbpf: object 'portable': loading non-native endianness is unsupported"
		assert_line "portable: libbpf cannot load $OUT/portable.bpfeb.o: Endian mismatch"
	else
		assert_line "libbpf: elf: endianness mismatch in $OUT/portable.bpfeb.o."
		assert_line "portable: libbpf cannot open $OUT/portable.bpfeb.o: Endian mismatch (object is big-endian, this host is little-endian)"
	fi
	# The same source in this host's order loads.
	run "$BIN" --object "$OUT/portable.bpfel.o"
	assert_success
	assert_output "$OUT/portable.bpfel.o: little-endian object, opened and loaded fine on this little-endian host"
}

# member_off STRUCT MEMBER: byte offset of MEMBER in the running kernel's BTF.
member_off() {
	"$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux format raw |
		awk -v s="'$1'" -v m="'$2'" '
			/^\[[0-9]+\] STRUCT / { in_s = ($3 == s) ; next }
			/^\[/ { in_s = 0 }
			in_s && $1 == m { sub("bits_offset=", "", $3); print $3 / 8; exit }'
}

@test "CO-RE: libbpf patches task_struct offsets from the kernel's BTF" {
	run "$BIN" -v -d 1
	assert_success
	assert_output --partial "found 2 CO-RE relocations"
	assert_output --regexp "struct task_struct\.tgid \(0:[0-9]+ @ offset $(member_off task_struct tgid)\)"
	assert_output --regexp "struct task_struct\.real_parent \(0:[0-9]+ @ offset $(member_off task_struct real_parent)\)"
}

@test "min_core_btf: a tiny BTF with just the fields we read is enough" {
	local btf=$BATS_TEST_TMPDIR/min.btf
	run "$BPFTOOL" gen min_core_btf /sys/kernel/btf/vmlinux "$btf" "$OUT/portable.bpf.o"
	assert_success
	run "$BPFTOOL" btf dump file "$btf"
	assert_output --regexp "STRUCT 'task_struct' size=[0-9]+ vlen=2"
	assert_line --regexp "^	'tgid' "
	assert_line --regexp "^	'real_parent' "
	assert [ "$(stat -c %s "$btf")" -lt 1000 ]
	run_traced "$OUT" --btf "$btf"
	assert_line "Tracing exec() (CO-RE against $btf). Ctrl-C to stop."
}

@test "cross build: make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- gives a static arm64 loader" {
	skip_if_sanitize "the arm64 cross build is the usual run's to check"
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		skip "no aarch64-linux-gnu-gcc (tools/deps ensure cross)"
	[ -e /usr/lib/aarch64-linux-gnu/libbpf.a ] || skip "no arm64 libbpf (libbpf-dev:arm64)"
	run make -C "$LESSON_DIR" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	assert_success
	run file "$ROOT/build/arm64/02-portable/portable"
	assert_output --partial "ARM aarch64"
	assert_output --partial "statically linked"
	# The BPF half is the same eBPF for every arch (only __TARGET_ARCH_ differs).
	run file "$ROOT/build/arm64/02-portable/portable.bpf.o"
	assert_output --partial "LSB relocatable, eBPF"
	# ...and the native loader beside it was left alone.
	run file "$BIN"
	assert_output --partial "x86-64"
}

@test "bad input: unreadable --btf, non-ELF --object, not root" {
	run "$BIN" --btf /nonexistent.btf
	assert_bad_input "portable: invalid BTF file '/nonexistent.btf': No such file or directory"
	echo hello >"$BATS_TEST_TMPDIR/x.o"
	run "$BIN" --object "$BATS_TEST_TMPDIR/x.o"
	assert_failure
	assert_output "portable: '$BATS_TEST_TMPDIR/x.o' is not an ELF file"
	run_as_nobody "$BIN"
	assert_failure
	assert_output --partial "must run as root"
}

@test "nothing stays loaded after Ctrl-C" {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^PID'
	run "$BPFTOOL" prog show name handle_exec
	assert_output --partial "tracepoint"
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	wait_until 10 bash -c "[ -z \"\$($BPFTOOL prog show name handle_exec)\" ]" ||
		fail "handle_exec still loaded"
}

@test "README: every Run it command works as written" {
	readme_run 3
	rm -f /tmp/portable # the README's copy
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
