#!/usr/bin/env bats
# Lesson 03: open, list, select, load, verifier log -- checked with bpftool.
load ../../tests/lib

BIN=$OUT/loading
OBJ=$OUT/loading.bpf.o

setup() { lesson_setup; }
teardown() { lesson_teardown; }

# load_bg ARGS...: start the loader, wait until it holds what it loaded.
load_bg() {
	start_bg "$BATS_TEST_TMPDIR/out" "$BIN" "$@"
	wait_for_line "$BATS_TEST_TMPDIR/out" '^Loaded [0-9]+ programs and [0-9]+ maps'
	output=$(cat "$BATS_TEST_TMPDIR/out")
	mapfile -t lines <"$BATS_TEST_TMPDIR/out"
}

# loaded_id KIND NAME: the kernel id the loader printed for program/map NAME.
loaded_id() {
	sed -n "s/^$1 \+$2 \+\(loaded\|created\), id \([0-9]\+\)$/\2/p" "$BATS_TEST_TMPDIR/out"
}

@test "the listing names what bpftool and the ELF symbol table see in the object" {
	run "$BIN" -l
	assert_success
	local btf names
	btf=$("$BPFTOOL" btf dump file "$OBJ")
	# Programs: one BTF FUNC each, with the instruction count of its symbol.
	names=$(sed -n "s/^\[[0-9]*\] FUNC '\([a-z_]*\)'.*/\1/p" <<<"$btf" | sort | paste -sd' ')
	assert_equal "$(awk '/^PROGRAM/ { p = 1; next } /^MAP/ { p = 0 } p { print $1 }' <<<"$output" |
		sort | paste -sd' ')" "$names"
	local name size
	while read -r size name; do
		assert_line --regexp "^$name +[a-z]+ +[^ ]+ +$((size / 8)) (yes|no)$"
	done < <(llvm-readelf -s "$OBJ" | awk '$4 == "FUNC" { print $3, $8 }')
	# Maps: the variables of the .maps DATASEC.
	names=$(sed -n "s/.*(VAR '\([a-z_]*\)')$/\1/p" <<<"$(sed -n "/DATASEC '.maps'/,/^\[/p" <<<"$btf")" |
		sort | paste -sd' ')
	assert_equal "$(awk '/^MAP/ { p = 1; next } /^BTF/ { p = 0 } p { print $1 }' <<<"$output" |
		sort | paste -sd' ')" "$names"
	# "?" sections start with autoload off.
	assert_line --regexp "^count_getppid +tracepoint +tp/syscalls/sys_enter_getppid +[0-9]+ no$"
	assert_line --regexp "^broken +tracepoint +tp/syscalls/sys_enter_getpid +[0-9]+ no$"
	assert_line --regexp "^xdp_pass +xdp +xdp +[0-9]+ yes$"
}

@test "loaded programs and maps match bpftool prog/map show by id" {
	load_bg
	local id
	id=$(loaded_id program count_getpid)
	run "$BPFTOOL" prog show id "$id"
	assert_output --regexp "^$id: tracepoint +name count_getpid "
	id=$(loaded_id program xdp_pass)
	run "$BPFTOOL" prog show id "$id"
	assert_output --regexp "^$id: xdp +name xdp_pass "
	id=$(loaded_id map counts)
	run "$BPFTOOL" map show id "$id"
	assert_output --regexp "^$id: hash +name counts .*key 4B +value 8B +max_entries 64"
	grep -qE '^counts +hash +4 +8 +64 yes$' "$BATS_TEST_TMPDIR/out"
	id=$(loaded_id map xdp_stats)
	run "$BPFTOOL" map show id "$id"
	assert_output --regexp "^$id: array +name xdp_stats .*key 4B +value 8B +max_entries 1"
	grep -qE '^xdp_stats +array +4 +8 +1 yes$' "$BATS_TEST_TMPDIR/out"
	# Optional programs stay out unless asked for.
	run "$BPFTOOL" prog show name count_getppid
	assert_output ""
	run "$BPFTOOL" prog show name broken
	assert_output ""
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "-p xdp_pass -M counts: only that program and its map reach the kernel" {
	load_bg -p xdp_pass -M counts
	assert_line "Loaded 1 programs and 1 maps. Ctrl-C to unload."
	assert_line --regexp "^map +counts +not created$"
	local prog map
	prog=$(loaded_id program xdp_pass)
	map=$(loaded_id map xdp_stats)
	run "$BPFTOOL" prog show id "$prog"
	assert_line --regexp "map_ids $map$"
	run "$BPFTOOL" prog show name count_getpid
	assert_output ""
	# The kernel's maps named counts (if any) are not ours: none are used by our program.
	run "$BPFTOOL" prog show
	refute_output --regexp "name (count_getpid|count_getppid|broken) "
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
}

@test "-p count_getppid loads a ? program on request" {
	load_bg -p count_getppid
	assert_line --regexp "^count_getppid +tracepoint +tp/syscalls/sys_enter_getppid +[0-9]+ yes$"
	local id
	id=$(loaded_id program count_getppid)
	run "$BPFTOOL" prog show id "$id"
	assert_output --regexp "^$id: tracepoint +name count_getppid "
	stop_bg "$BG_PID" INT
}

@test "the broken program: the verifier log is printed, exit 1" {
	run "$BIN" -p broken
	assert_failure
	assert_line "loading: loading $OBJ: Permission denied"
	assert_line "verifier log:"
	assert_line "R0 invalid mem access 'map_value_or_null'"
	assert_output --partial "*val += 1;"
	run "$BPFTOOL" prog show name broken
	assert_output ""
}

@test "a program whose map was not created is refused with the map's name" {
	run "$BIN" -p count_getpid -M counts
	assert_failure
	assert_line "BPF map 'counts' is referenced but wasn't created"
}

@test "BTF: __u64 resolves as bpftool btf dump shows it" {
	run "$BIN" -l
	assert_success
	local td int
	td=$("$BPFTOOL" btf dump file "$OBJ" | sed -n "s/^\[\([0-9]*\)\] TYPEDEF '__u64' type_id=\([0-9]*\)$/\1 \2/p")
	read -r td int <<<"$td"
	run "$BPFTOOL" btf dump file "$OBJ"
	assert_line "[$int] INT 'unsigned long long' size=8 bits_offset=0 nr_bits=64 encoding=(none)"
	run "$BIN" -l -t __u64
	assert_line "BTF type '__u64': [$td] TYPEDEF '__u64' -> [$int] INT 'unsigned long long' size=8"
	run "$BIN" -l -t no_such_type
	assert_failure
	assert_line "loading: no BTF type named 'no_such_type' in $OBJ"
}

@test "the object is found beside the binary, or named with -o" {
	local dir=$BATS_TEST_TMPDIR/elsewhere
	mkdir "$dir"
	cp "$BIN" "$dir/"
	run "$dir/loading" -l
	assert_failure
	assert_output "loading: cannot read '$dir/loading.bpf.o': No such file or directory"
	cp "$OBJ" "$dir/other.bpf.o"
	run "$dir/loading" -l -o "$dir/other.bpf.o"
	assert_success
	assert_line --index 0 "Object $dir/other.bpf.o (name 'other')"
}

@test "bad input: unknown program or map, not root" {
	run "$BIN" -p nosuch
	assert_failure
	assert_output "loading: no program 'nosuch' in $OBJ"
	run "$BIN" -M nosuch
	assert_failure
	assert_output "loading: no map 'nosuch' in $OBJ"
	# Values that cannot be right whatever the object: exit 64.
	local long
	long=$(printf 'x%.0s' {1..4096})
	run "$BIN" -o "$long"
	assert_bad_input "loading: invalid object path '$long': longer than 4095 bytes"
	run "$BIN" $(printf -- '-p a%.0s ' {1..17})
	assert_bad_input "loading: invalid program 'a': at most 16 -p options"
	run "$BIN" --nosuch
	assert_equal "$status" 64
	# Listing needs no privileges; loading does.
	run_as_nobody "$BIN" -l
	assert_success
	run_as_nobody "$BIN"
	assert_failure
	assert_line --partial "must run as root"
}

@test "README: every Run it command works as written" {
	make -s -C "$ROOT/lessons/00-xdp-counter" >/dev/null # the other object it names
	readme_run 3
}

@test "exercise: the check fails as shipped and passes with the reference solution" {
	run "$ROOT/tests/exercise" --check "$LESSON_DIR"
	assert_success
}
