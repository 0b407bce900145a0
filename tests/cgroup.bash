# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with the .bats files
# cgroup v2 test helpers, for lessons whose loader attaches to a cgroup it
# is given with -c PATH (and creates when missing).  Load after tests/lib:
#
#	load ../../tests/lib
#	load ../../tests/cgroup
#	setup() { lesson_setup; cgroup_setup lsnNN; }
#	teardown() { cgroup_teardown; }

# The cgroup2 mount.
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)

# cgroup_setup PREFIX: fail without a cgroup2 mount; set CG to a path for
# this test's cgroup, $CG2/PREFIX-PID-TESTNUMBER (not created).
cgroup_setup() {
	[ -n "$CG2" ] || fail "no cgroup2 mount in /proc/mounts"
	CG=$CG2/$1-$$-$BATS_TEST_NUMBER
}

# cgroup_teardown: kill what we started (lesson_teardown), then remove the
# cgroup if it was left; fails when lesson_teardown did.
cgroup_teardown() {
	local rc=0
	lesson_teardown || rc=$?
	[ ! -d "$CG" ] || rmdir "$CG"
	return "$rc"
}

# cgroup_progs DIR: "ATTACH_TYPE NAME" of each program attached to cgroup
# DIR by a BPF link (a link's cgroup_id is the directory's inode number).
# Not `bpftool cgroup show`: bpftool 7.x asks the kernel for per-program
# attach flags, a field of BPF_PROG_QUERY that kernels before 6.0 refuse,
# and there it lists nothing at all.
cgroup_progs() {
	local id type prog
	id=$(stat -c %i "$1") || return 1
	"$BPFTOOL" -j link show |
		jq -r --argjson cg "$id" '.[] | select(.type == "cgroup" and .cgroup_id == $cg) | "\(.attach_type) \(.prog_id)"' |
		while read -r type prog; do
			echo "$type $("$BPFTOOL" -j prog show id "$prog" | jq -r .name)"
		done
}
