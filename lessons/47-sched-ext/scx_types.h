/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The sched_ext types lesson 47 needs, for kernels whose vmlinux.h lacks
 * them.  The committed vmlinux/x86 (6.18) and vmlinux/arm64 (6.12) headers
 * come from kernels built without CONFIG_SCHED_CLASS_EXT, so they have no
 * sched_ext types; these were taken from the BTF of Debian's
 * linux-image-6.16.3+deb13-amd64 (6.16.3-1~bpo13+1, trixie-backports), the
 * first Debian kernel with CONFIG_SCHED_CLASS_EXT=y.  The types are the same
 * on arm64, and every field is read with CO-RE, so one header serves both.
 *
 * To regenerate: unpack that package's boot/vmlinuz-*, decompress the
 * kernel inside it (tools/vmtest's extract_vmlinux does it), then
 *	bpftool btf dump file vmlinux format c > full.h
 * and copy the enums and structs below out of full.h.
 *
 * struct sched_ext_ops is cut down to the members this lesson sets, on
 * purpose: libbpf (1.1) looks every member of the local struct up by name
 * in the running kernel's sched_ext_ops and refuses the object when one is
 * missing, so a member that a newer kernel added (6.16's priv, say) would
 * stop the lesson loading on 6.12.  The layout does not matter: libbpf
 * copies member by member into the kernel's own layout.
 */
#ifndef LESSON_SCX_TYPES_H
#define LESSON_SCX_TYPES_H

/* A vmlinux.h made from a sched_ext kernel has them all (Makefile checks). */
#ifndef VMLINUX_HAS_SCX

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

enum scx_exit_kind {
	SCX_EXIT_NONE = 0,
	SCX_EXIT_DONE = 1,
	SCX_EXIT_UNREG = 64,
	SCX_EXIT_UNREG_BPF = 65,
	SCX_EXIT_UNREG_KERN = 66,
	SCX_EXIT_SYSRQ = 67,
	SCX_EXIT_ERROR = 1024,
	SCX_EXIT_ERROR_BPF = 1025,
	SCX_EXIT_ERROR_STALL = 1026,
};

enum scx_dsq_id_flags {
	SCX_DSQ_FLAG_BUILTIN = 9223372036854775808ULL,
	SCX_DSQ_FLAG_LOCAL_ON = 4611686018427387904ULL,
	SCX_DSQ_INVALID = 9223372036854775808ULL,
	SCX_DSQ_GLOBAL = 9223372036854775809ULL,
	SCX_DSQ_LOCAL = 9223372036854775810ULL,
	SCX_DSQ_LOCAL_ON = 13835058055282163712ULL,
	SCX_DSQ_LOCAL_CPU_MASK = 4294967295ULL,
};

enum scx_public_consts {
	SCX_OPS_NAME_LEN = 128ULL,
	SCX_SLICE_DFL = 20000000ULL,
	SCX_SLICE_INF = 18446744073709551615ULL,
};

struct scx_exit_info {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
	unsigned long *bt;
	u32 bt_len;
	char *msg;
	char *dump;
};

/* Cut down (see above); the kernel's has 30-odd more callbacks. */
struct sched_ext_ops {
	void (*enqueue)(struct task_struct *, u64);
	void (*exit)(struct scx_exit_info *);
	char name[128];
};

#pragma clang attribute pop

#endif /* VMLINUX_HAS_SCX */
#endif
