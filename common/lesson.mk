# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The one build fragment every lesson includes.  A lesson Makefile is:
#
#	APPS := xdp_counter
#	include ../../common/lesson.mk
#
# Each name in APPS has NAME.bpf.c (kernel half) and NAME.c (loader).
# Optional: BPF_EXTRA (more .bpf.c names, no loader of their own), NO_BPF
# (APPS without a .bpf.c), EXTRA_C
# (more loader .c files), RUN_ARGS (what `make run` always passes, e.g.
# `-i $(IFACE)`); the learner's ARGS="..." come after them, so a later
# option wins and a lesson variable like IFACE= survives ARGS.
#
# Pipeline per name:
#   clang -g -O2 -target bpf  NAME.bpf.c  -> NAME.tmp.bpf.o
#   bpftool gen object                      -> NAME.bpf.o   (static linking)
#   bpftool gen skeleton                    -> NAME.skel.h
#   cc NAME.c + libhelpers.a + -lbpf        -> NAME
.DELETE_ON_ERROR:
.SUFFIXES:

# Where this fragment lives decides where everything else is.
COMMON_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ROOT := $(abspath $(COMMON_DIR)/..)
COMMON := $(ROOT)/common
LESSON_DIR := $(abspath $(CURDIR))
LESSON := $(notdir $(LESSON_DIR))
# uname -m -> the kernel's arch name, used for __TARGET_ARCH_* and vmlinux/.
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/mips.*/mips/' -e 's/riscv64/riscv/' \
	-e 's/s390x/s390/' -e 's/loongarch64/loongarch/')
BUILD_ROOT := $(ROOT)/build
# A cross build (make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) goes to
# build/ARCH/, helper library included, so the native build/ next to it
# stays as it is; its loaders are static, to copy onto the target as they
# are.  `make vmtest ARCH=arm64` builds there too (the guest sees it as
# build/).
ifneq ($(CROSS_COMPILE),)
ifeq ($(origin ARCH),file)
$(error cross build: say the target too, e.g. ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
endif
BUILD_ROOT := $(ROOT)/build/$(ARCH)
STATIC ?= 1
endif
# SANITIZE=1: the helper library and loaders with ASan+UBSan, in build-san/
# (build/ stays as it is).  WERROR=1 (what `make check` builds with): -Werror.
# MEMCHECK=1 (make memcheck): the usual flags, in build-memcheck/.  Both need
# a shared libc (the sanitizer runtimes are shared libraries; valgrind
# replaces malloc only in a shared libc): a STATIC lesson then links only
# libbpf statically (SHARED_LIBC, below).
# SANITIZE=1 compiles with clang (unless CC is given): with gcc, UBSan's
# runtime (libubsan, apart from libasan) ignores log_path and reports only
# on stderr, where `make test SANITIZE=1` cannot find it.
ifeq ($(SANITIZE),1)
BUILD_ROOT := $(ROOT)/build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
SHARED_LIBC := 1
ifneq ($(filter default undefined,$(origin CC)),)
CC := clang
endif
else ifeq ($(MEMCHECK),1)
BUILD_ROOT := $(ROOT)/build-memcheck
SHARED_LIBC := 1
endif
OUT ?= $(BUILD_ROOT)/$(LESSON)

CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
CC ?= cc
CROSS_COMPILE ?=
ifneq ($(CROSS_COMPILE),)
CC := $(CROSS_COMPILE)gcc
endif

# A committed header per arch; an arch without one gets a header made from
# this machine's own kernel BTF (build/vmlinux/ARCH), with a note saying so.
VMLINUX_DIR := $(ROOT)/vmlinux/$(ARCH)
ifeq ($(wildcard $(VMLINUX_DIR)/vmlinux.h),)
VMLINUX_DIR := $(ROOT)/build/vmlinux/$(ARCH)
VMLINUX_GEN := $(VMLINUX_DIR)/vmlinux.h
endif

# clang -target bpf does not search the host's multiarch dir, so
# <linux/types.h> cannot find <asm/types.h>.  Ask the host compiler where it
# looks and pass those dirs on with -idirafter (no /usr/include/asm symlink).
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

BPF_CFLAGS ?= -g -O2 -Wall -Wno-unused-function -Werror=implicit-function-declaration
BPF_TARGET ?= bpf
CFLAGS ?= -g -O2 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
# An undeclared function is an error in gcc 14 and clang 16 (Debian 13):
# make it one with Debian 12's compilers too, so it shows up here first.
CFLAGS += -D_GNU_SOURCE -Werror=implicit-function-declaration $(SAN_FLAGS) \
	$(if $(filter 1,$(WERROR)),-Werror)
LDFLAGS += $(SAN_FLAGS)
STATIC ?=
# For loaders that symbolise with elfutils (common/sym.c): LDLIBS += $(LDLIBS_DW)
# (a static libdw also needs the decompressors it was built with).
ifeq ($(STATIC),)
LDLIBS_BPF := -lbpf -lelf -lz
LDLIBS_DW = -ldw -lelf
else
# STATIC=1 links everything statically -- where a static libelf links at all.
# Debian 13's libelf.a (elfutils 0.192) calls eu_search_tree_init/fini, which
# no shipped static library defines.  A one-time probe per build root (a
# cross build has its own; a guest seeing it as build/ reads the same answer)
# ($(STATIC_PROBE): yes or no) decides; on "no" only libbpf is
# linked statically (so 1.1-only static symbols still resolve) and libelf,
# libz and libc dynamically, with a NOTE.  Read at link time, after the probe.
# SHARED_LIBC: always that way, without the NOTE.
STATIC_PROBE := $(BUILD_ROOT)/.static-libelf
STATIC_LIBELF = $(if $(SHARED_LIBC),no,$(shell cat $(STATIC_PROBE) 2>/dev/null))
static_ok = $(if $(filter no,$(STATIC_LIBELF)),,yes)
LDLIBS_BPF = $(if $(static_ok),-lbpf -lelf -lz -lzstd,-Wl,-Bstatic -lbpf -Wl,-Bdynamic -lelf -lz)
LDLIBS_DW = -ldw -lelf $(if $(static_ok),-lbz2 -llzma -lzstd -lz)
LDFLAGS += $(if $(static_ok),-static)
endif

# Test workloads whose stacks the kernel unwinds (20, 24): it follows frame
# pointers, so keep them, in leaf functions too (gcc leaves a leaf's frame
# record out on aarch64, and the leaf's caller went missing there), and
# inline nothing.
WORKLOAD_CFLAGS := -g -O0 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-inline -Wall

INCLUDES := -I$(OUT) -I$(COMMON) -I$(LESSON_DIR)
BPF_INCLUDES := -I$(OUT) -I$(COMMON)/bpf -I$(LESSON_DIR) -I$(VMLINUX_DIR)

HELPERS_LIB := $(BUILD_ROOT)/common/libhelpers.a
DEPS_STAMP := $(BUILD_ROOT)/.deps-ok

# NO_BPF := 1: the loaders in APPS have no NAME.bpf.c (lesson 38 writes its
# program as instructions at run time); only BPF_EXTRA names are compiled.
BPF_NAMES := $(if $(NO_BPF),,$(APPS)) $(BPF_EXTRA)
TMP_OBJS := $(patsubst %,$(OUT)/%.tmp.bpf.o,$(BPF_NAMES))
BPF_OBJS := $(patsubst %,$(OUT)/%.bpf.o,$(BPF_NAMES))
SKELS := $(patsubst %,$(OUT)/%.skel.h,$(BPF_NAMES))
BINS := $(patsubst %,$(OUT)/%,$(APPS))
# EXTRA_C: more user-space .c files (no main) linked into every loader.
EXTRA_OBJS := $(patsubst %,$(OUT)/%.o,$(EXTRA_C))
C_OBJS := $(patsubst %,$(OUT)/%.o,$(APPS) $(EXTRA_C))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(ROOT)/%,%,$(2))";
MAKEFLAGS += --no-print-directory
endif

.PHONY: all run test clean deps exercise solution
all: $(BINS) $(SKELS)

# Build packages are checked once per checkout; the script installs what is
# missing (as root) or prints the exact command to run.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): $(ROOT)/tools/deps
	$(Q)$(ROOT)/tools/deps ensure
	$(Q)mkdir -p $(@D) && touch $@

$(OUT):
	$(Q)mkdir -p $(OUT)

# Static pattern rules over explicit lists: nothing is an "intermediate"
# make would delete, and no rule can match the wrong file.
ifdef VMLINUX_GEN
$(VMLINUX_GEN): | $(DEPS_STAMP)
	@echo "  NOTE     no vmlinux/$(ARCH)/vmlinux.h committed: making one from this kernel's BTF" >&2
	$(Q)$(ROOT)/tools/vmlinux-gen $(ARCH) running $@
endif

$(TMP_OBJS): $(OUT)/%.tmp.bpf.o: $(LESSON_DIR)/%.bpf.c $(COMMON)/lesson.mk | $(DEPS_STAMP) $(OUT) $(VMLINUX_GEN)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target $(BPF_TARGET) -D__TARGET_ARCH_$(ARCH) \
		$(BPF_INCLUDES) $(CLANG_BPF_SYS_INCLUDES) -MMD -MP -c $< -o $@

$(BPF_OBJS): $(OUT)/%.bpf.o: $(OUT)/%.tmp.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(SKELS): $(OUT)/%.skel.h: $(OUT)/%.bpf.o $(COMMON)/lesson.mk
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(C_OBJS): $(OUT)/%.o: $(LESSON_DIR)/%.c | $(DEPS_STAMP) $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -MMD -MP -c $< -o $@

# A loader includes its skeleton (and may include any of the lesson's).
$(C_OBJS): $(SKELS)

$(BINS): $(OUT)/%: $(OUT)/%.o $(EXTRA_OBJS) $(HELPERS_LIB)
	$(call msg,BINARY,$@)
	$(if $(STATIC),$(if $(static_ok)$(SHARED_LIBC),,@echo "  NOTE     $(notdir $@): static libelf does not link here: libbpf static, libelf/libz/libc dynamic" >&2))
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) $(LDLIBS_BPF) -o $@

ifneq ($(STATIC),)
$(BINS): | $(if $(SHARED_LIBC),,$(STATIC_PROBE))
$(STATIC_PROBE): | $(DEPS_STAMP)
	$(Q)mkdir -p $(@D) && t=$@.$$$$ && \
	printf '#include <libelf.h>\nint main(void)\n{\n\telf_version(EV_CURRENT);\n\treturn elf_end(0);\n}\n' >$$t.c && \
	if $(CC) -static $$t.c -lelf -lz -lzstd -o $$t.out >$$t.log 2>&1; then echo yes >$$t; else \
		echo no >$$t; echo "  NOTE     a static libelf does not link with $(CC): STATIC=1 links libbpf statically, libelf/libz/libc dynamically" >&2; \
		grep -m1 'undefined reference' $$t.log | sed 's/^/  NOTE       /' >&2 || true; fi; \
	rm -f $$t.c $$t.out $$t.log; mv -f $$t $@
endif

ifndef BUILDING_HELPERS
# The helper library is built by common/Makefile; from the root Makefile it is
# already up to date before lessons start, so parallel lessons don't race.
$(HELPERS_LIB): FORCE | $(DEPS_STAMP)
	$(Q)$(MAKE) $(if $(Q),-s) -C $(COMMON) lib
FORCE:
endif

# `make run ARGS="-d 5"`: RUN_ARGS (the lesson's) first, then ARGS.
# RUN_WRAPPER: a command the loader runs under (make memcheck: valgrind).
run: all
	$(RUN_WRAPPER) $(OUT)/$(firstword $(APPS)) $(RUN_ARGS) $(ARGS)

test: all
	$(Q)$(ROOT)/tests/run $(LESSON_DIR)

# The README's exercise, checked (tests/exercise): `exercise` on your working
# copy, `solution` on a scratch copy with the reference solution.patch.
exercise: all
	$(Q)$(ROOT)/tests/exercise $(LESSON_DIR)
solution:
	$(Q)$(ROOT)/tests/exercise --solution $(LESSON_DIR)

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)

# One JSON object per translation unit, for the root compile_commands.json
# (clangd then completes kernel names in .bpf.c and libbpf names in loaders).
compdb:
	@$(foreach n,$(BPF_NAMES),printf '{"directory":"%s","file":"%s","arguments":["%s",%s]},\n' \
		"$(LESSON_DIR)" "$(LESSON_DIR)/$(n).bpf.c" "$(CLANG)" \
		'$(call jsonargs,$(BPF_CFLAGS) -target $(BPF_TARGET) -D__TARGET_ARCH_$(ARCH) $(BPF_INCLUDES) $(CLANG_BPF_SYS_INCLUDES) -c $(LESSON_DIR)/$(n).bpf.c)';)
	@$(foreach f,$(wildcard $(LESSON_DIR)/*.c),$(if $(filter %.bpf.c,$(f)),,printf '{"directory":"%s","file":"%s","arguments":["%s",%s]},\n' \
		"$(LESSON_DIR)" "$(f)" "$(CC)" '$(call jsonargs,$(CFLAGS) $(INCLUDES) -c $(f))';))
# `make -s print-VAR`: the fragment's value of VAR, for tools that must agree
# with the build (tools/doctor, the root Makefile's vmlinux target).
print-%:
	@echo '$($*)'

jsonargs = $(subst $(space),$(comma),$(patsubst %,"%",$(strip $(1))))
space := $(subst ,, )
comma := ,

-include $(wildcard $(OUT)/*.d)
