# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash disable=SC2034 # MISFIT, CTX: for the .bats files
# For test.bats and exercise.bats: does this kernel's kmem/mm_page_alloc
# record have the layout of the hand-built struct (tracepoint_in_c.h)?
# Read from the format file itself, apart from the loader's check_format().
# Older kernels (5.10) have a 4-byte gfp_t gfp_flags at offset 20, and
# there `--ctx format` is refused by design.

# NAME OFFSET SIZE of each field the struct declares.
HAND_STRUCT="common_pid 4 4
pfn 8 8
order 16 4
gfp_flags 24 8
migratetype 32 4"

# hand_struct_misfit: nothing when every field is where the struct has it;
# else the first difference, in the loader's words.
hand_struct_misfit() {
	local fmt=/sys/kernel/tracing/events/kmem/mm_page_alloc/format name off size at
	while read -r name off size; do
		at=$(sed -n "s/.*[ *]$name;[[:space:]]*offset:\([0-9]*\);[[:space:]]*size:\([0-9]*\);.*/offset \1 size \2/p" "$fmt")
		if [ "$at" != "offset $off size $size" ]; then
			echo "$name is at ${at:-no offset}, struct mm_page_alloc_args has offset $off size $size"
			return
		fi
	done <<<"$HAND_STRUCT"
}

# trace_pages: pages (2^order summed) of the mm_page_alloc lines on stdin,
# from a tracefs instance's trace.
trace_pages() {
	grep -o ' order=[0-9]*' | awk -F= '{ s += 2 ^ $2 } END { print s + 0 }'
}

# CTX: the loader's context for tests about something else: the hand-built
# one where it fits, vmlinux.h's otherwise.
MISFIT=$(hand_struct_misfit)
CTX=()
[ -z "$MISFIT" ] || CTX=(--ctx vmlinux)
