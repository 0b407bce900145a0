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

# expected_members NAME < BTF-JSON: the members of struct/union NAME as the
# loader prints them ("OFFSET BITS NAME TYPE-CHAIN"), worked out with jq from
# bpftool's raw dump: an independent reading of the same BTF.
expected_members() {
	# shellcheck disable=SC2016 # jq variables
	jq -r --arg name "$1" '
	(reduce .types[] as $t ({}; .[$t.id | tostring] = $t)) as $by
	| def chain($id):
		if $id == 0 then "void"
		else $by[$id | tostring] as $t
		| if $t.kind == "TYPEDEF" then "\($t.name) -> " + chain($t.type_id)
		elif $t.kind == "CONST" or $t.kind == "VOLATILE" or $t.kind == "RESTRICT" then
			"\($t.kind | ascii_downcase) -> " + chain($t.type_id)
		elif $t.kind == "ENUM" or $t.kind == "ENUM64" then "enum \($t.name)"
		elif $t.kind == "UNION" then "union \($t.name)"
		elif $t.kind == "STRUCT" then "struct \($t.name)"
		elif $t.kind == "FWD" then "\($t.fwd_kind) \($t.name)"
		elif $t.kind == "PTR" then "pointer"
		elif $t.kind == "ARRAY" then "array"
		elif $t.kind == "FUNC_PROTO" then "function"
		else $t.name end
		end;
	[.types[] | select((.kind == "STRUCT" or .kind == "UNION") and .name == $name)][0].members[]
	| "\(.bits_offset / 8 | floor) \(if .bitfield_size then "\(.bits_offset % 8):\(.bitfield_size)" else "-" end) \(.name) \(chain(.type_id))"'
}

# printed_members HEADER-PREFIX: the member rows after the loader's line
# starting with HEADER-PREFIX (in $output), spaces squeezed.
printed_members() {
	awk -v h="$1" 'index($0, h) == 1 { p = 1; getline; next } p && /^  / { print; next } { p = 0 }' \
		<<<"$output" | sed 's/  */ /g; s/^ //'
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
	local name size n=0
	while read -r size name; do
		assert_line --regexp "^$name +[a-z]+ +[^ ]+ +$((size / 8)) (yes|no)$"
		n=$((n + 1))
	done < <(elf_read -s "$OBJ" | awk '$4 == "FUNC" { print $3, $8 }')
	assert_equal "$n" "$(wc -w <<<"$names")"
	# Maps: the variables of the .maps DATASEC, plus one internal map per
	# data section (.rodata here), named object name + section.
	names=$({
		sed -n "s/.*(VAR '\([a-z_]*\)')$/\1/p" <<<"$(sed -n "/DATASEC '.maps'/,/^\[/p" <<<"$btf")"
		sed -n "s/^\[[0-9]*\] DATASEC '\(\.\(ro\)\?data[^']*\|\.bss\)'.*/loading\1/p" <<<"$btf"
	} | sort | paste -sd' ')
	assert_equal "$(awk '/^MAP/ { p = 1; next } /^GLOBAL/ { p = 0 } p { print $1 }' <<<"$output" |
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

@test "-p xdp_pass -M counts -M loading.rodata: only that program and its map reach the kernel" {
	load_bg -p xdp_pass -M counts -M loading.rodata
	assert_line "Loaded 1 programs and 1 maps. Ctrl-C to unload."
	assert_line --regexp "^map +counts +not created$"
	assert_line --regexp "^map +loading\.rodata +not created$"
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

@test "globals: the listing matches the BTF DATASEC; -g sets .rodata before load, bpftool reads it back" {
	local btf
	btf=$("$BPFTOOL" btf dump file "$OBJ")
	# The .rodata DATASEC's one variable: its offset and size, as the compiler recorded them.
	local var off size
	read -r var off size < <(sed -n "/^\[[0-9]*\] DATASEC '.rodata'/,/^\[/s/.*type_id=\([0-9]*\) offset=\([0-9]*\) size=\([0-9]*\).*/\1 \2 \3/p" <<<"$btf")
	grep -qF "[$var] VAR 'step'" <<<"$btf" || fail "DATASEC .rodata does not hold step"
	run "$BIN" -l
	assert_success
	# The initial value comes from the ELF section's bytes (1, as in the source).
	assert_line --regexp "^step +\.rodata +$off +$size 1$"
	load_bg -g step=5
	assert_line "Set global 'step' (.rodata, map loading.rodata, offset $off, $size bytes) to 5 before load"
	assert_line --regexp "^step +\.rodata +$off +$size 5$"
	local id
	id=$(loaded_id map loading.rodata)
	run "$BPFTOOL" map dump id "$id"
	assert_output --regexp '"step": 5'
	run "$BPFTOOL" map show id "$id"
	assert_output --partial "frozen"
	# The program that reads it was given this map.
	run "$BPFTOOL" -j prog show id "$(loaded_id program count_getpid)"
	assert_equal "$(jq --argjson m "$id" '.map_ids | index($m) != null' <<<"$output")" true
	stop_bg "$BG_PID" INT
	assert_equal "$STATUS" 0
	# Unchanged without -g: the kernel gets the file's 1.
	load_bg
	run "$BPFTOOL" map dump id "$(loaded_id map loading.rodata)"
	assert_output --regexp '"step": 1'
	stop_bg "$BG_PID" INT
	# step is a __u64 (BTF says unsigned): -1 lists as the value the program sees.
	load_bg -g step=-1
	assert_line --regexp "^step +\.rodata +$off +$size 18446744073709551615$"
	run "$BPFTOOL" map dump id "$(loaded_id map loading.rodata)"
	assert_output --regexp '"step": 18446744073709551615'
	stop_bg "$BG_PID" INT
}

@test "BTF: -k walks kernel structs exactly as bpftool's raw dump of vmlinux has them" {
	local vmlinux=/sys/kernel/btf/vmlinux json=$BATS_TEST_TMPDIR/vmlinux.json name
	"$BPFTOOL" -j btf dump file "$vmlinux" >"$json"
	for name in iphdr sk_buff task_struct; do
		run "$BIN" -l -k "$name"
		assert_success
		# Header: the kernel's type id, kind, size and member count.
		assert_line "Kernel BTF type '$name': $("$BPFTOOL" btf dump file "$vmlinux" | grep -m1 "^\[[0-9]*\] STRUCT '$name' ")"
		assert_equal "$(printed_members "Kernel BTF type '$name':")" "$(expected_members "$name" <"$json")"
	done
	# Bitfields: iphdr's first byte holds ihl and version, 4 bits each.
	run "$BIN" -l -k iphdr
	assert_line --regexp "^ +0 0:4 +ihl +__u8 -> unsigned char$"
	assert_line --regexp "^ +0 4:4 +version +__u8 -> unsigned char$"
	run "$BIN" -l -k no_such_struct
	assert_failure
	assert_line "loading: no struct or union 'no_such_struct' in the kernel's BTF"
}

@test "BTF: -t walks the object's own struct as bpftool's dump of the .bpf.o has it" {
	run "$BIN" -l -t xdp_md
	assert_success
	assert_line "BTF type 'xdp_md': $("$BPFTOOL" btf dump file "$OBJ" | grep -m1 "^\[[0-9]*\] STRUCT 'xdp_md' ")"
	assert_equal "$(printed_members "BTF type 'xdp_md':")" "$("$BPFTOOL" -j btf dump file "$OBJ" | expected_members xdp_md)"
	assert [ "$(printed_members "BTF type 'xdp_md':" | wc -l)" -ge 6 ]
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
	run "$BIN" -l -g step
	assert_bad_input "loading: invalid global 'step': want NAME=VALUE"
	run "$BIN" -l -g step=many
	assert_bad_input "loading: invalid global value 'many': want a whole number from -9223372036854775808 to 9223372036854775807"
	# Names are checked against the object's BTF, after parsing: exit 1.
	run "$BIN" -l -g nosuch=1
	assert_failure
	assert_output "loading: no global variable 'nosuch' in $OBJ"
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
