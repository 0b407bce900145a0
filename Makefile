# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Top level: build every lesson, run every test.
#
#   make              build the helper library and every lesson (-j safe)
#   make test         build, then run all bats tests against this kernel, then
#                     re-run the ones it skipped for a missing kernel feature
#                     inside Debian's 6.1 kernel under qemu (VMTEST=0: don't;
#                     VMTEST=6.12: that kernel instead)
#   make vmtest KERNEL=6.1|6.12|5.10|7.2   build, then run all bats tests
#                     inside that Debian kernel under qemu (tools/vmtest)
#   make vmtest ARCH=arm64 KERNEL=6.1|6.12   the same in an arm64 guest
#                     (qemu-system-aarch64, TCG) against arm64 builds made
#                     here with the cross toolchain (build/arm64/)
#   make test-toolchain DIST=trixie   the host suite (make test VMTEST=0)
#                     built and run by another Debian release's toolchain in
#                     a pristine root (tools/freshroot; COMMITTED HEAD only)
#   make test-toolchain DIST=trixie ARCH=arm64   every lesson built natively
#                     in an arm64 root under qemu-user, each loader's -h run
#   make matrix [MATRIX="5.10 arm64-6.12 ..."]   every platform run in turn
#                     (tools/matrix), then the lesson table and the kernel
#                     minimum check; hours under emulation
#   make check        lint: clang-format, shellcheck, lesson metadata, -Werror,
#                     clang-tidy, and the helper library's unit tests under
#                     ASan+UBSan
#   make unit         the helper library's unit tests (common/test/)
#   make fuzz         libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each
#   make SANITIZE=1 [unit|LESSON...]   ASan+UBSan build in build-san/
#   make test SANITIZE=1 VMTEST=0 [TESTS=...]   the suite against it; any
#                     ASan/UBSan/LSan report fails (tests/run)
#   make memcheck [TESTS=...]   valgrind memcheck over every lesson's README
#                     "Run it" commands (tests/memcheck)
#   make format       apply clang-format to every C file
#   make compile_commands.json   for clangd / CLion / VS Code
#   make vmlinux [ARCH=x86|arm64] [FROM=running|RELEASE|FILE]
#                     regenerate vmlinux/$(ARCH)/vmlinux.h from a kernel's
#                     own BTF: this one (default), a Debian release's kernel
#                     package (FROM=trixie), or a .deb/image (tools/vmlinux-gen)
#   make bench [QUICK=1]   bench/RESULTS.md: loader, tracing, XDP, transport
#                     and build costs next to the peer tools (bench/run)
#   make clean
.DELETE_ON_ERROR:
ROOT := $(CURDIR)
LESSONS := $(patsubst %/,%,$(sort $(dir $(wildcard lessons/[0-9][0-9]-*/Makefile))))
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
# The arch name the build uses (common/lesson.mk maps it from uname -m).
ARCH ?= $(shell $(MAKE) -s -C common print-ARCH)

ifneq ($(V),1)
MAKEFLAGS += --no-print-directory
endif

.PHONY: all common deps test vmtest check format clean vmlinux $(LESSONS) readme-table compile_commands.json

all: $(LESSONS)

deps:
	@tools/deps ensure build

common: deps
	@$(MAKE) -C common lib

$(LESSONS): common
	@$(MAKE) -C $@

# TESTS=lessons/00-xdp-counter limits the run to some lessons.
VMTEST ?= 1
# SANITIZE=1: against build-san/ (tests/run); any sanitizer report fails.
test: all
	@VMTEST=$(VMTEST) SANITIZE=$(SANITIZE) tests/run $(TESTS)

KERNEL ?= 6.1
VMTEST_TIMEOUT ?= 3600
HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
# The lessons whose exercise solutions are built before the guest boots
# (compiling under emulation is most of a lesson's time there, and a
# foreign guest has no compiler): those TESTS names, else every one.
VM_EXERCISES = $(or $(filter $(LESSONS),$(patsubst %/,%,$(TESTS))),$(if $(TESTS),,$(LESSONS)))
# $(call vm_prebuild,BUILD_ROOT,MAKE_ARGS): each one's scratch copy, built.
vm_prebuild = for l in $(VM_EXERCISES); do [ ! -f $$l/solution.patch ] || \
		EXERCISE_BUILD=$(1) EXERCISE_MAKE="$(2)" tests/exercise --prebuild $$l || exit 1; done
ifeq ($(ARCH),$(HOST_ARCH))
vmtest: all
	@$(call vm_prebuild,$(ROOT)/build,)
	@tools/vmtest --kernel $(KERNEL) --timeout $(VMTEST_TIMEOUT) --rw build/test-results/$(notdir $(KERNEL)) \
		-e RESULTS_LABEL=$(notdir $(KERNEL)) -e VMTEST=0 -- tests/run $(TESTS)
else
# Another arch's guest (ARCH=arm64): every lesson cross-built here, static,
# into build/ARCH/ (where every cross build goes), which the guest sees as
# build/; its TAP goes to build/test-results/ARCH-KERNEL/.
CROSS_COMPILE ?= aarch64-linux-gnu-
VM_BUILD := $(ROOT)/build/$(ARCH)
VM_LABEL := $(ARCH)-$(notdir $(KERNEL))
VM_CROSS_FLAGS := ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) STATIC=1
VM_CROSS := $(VM_CROSS_FLAGS) BUILD_ROOT=$(VM_BUILD)
.PHONY: vmtest-build
vmtest-build: deps
	@tools/deps ensure cross
	@$(MAKE) all $(VM_CROSS)
	@$(call vm_prebuild,$(VM_BUILD),$(VM_CROSS_FLAGS))
vmtest: vmtest-build
	@mkdir -p build/test-results/$(VM_LABEL)
	@tools/vmtest --arch $(ARCH) --kernel $(KERNEL) --timeout $(VMTEST_TIMEOUT) \
		--bind $(VM_BUILD):$(ROOT)/build \
		--bind $(ROOT)/build/test-results/$(VM_LABEL):$(ROOT)/build/test-results/$(VM_LABEL) \
		-e RESULTS_LABEL=$(VM_LABEL) -e VMTEST=0 -- tests/run $(TESTS)
endif

# make memcheck [TESTS=lessons/NN-x ...]: valgrind's memcheck over each
# lesson's README "Run it" commands, loaders built dynamically in
# build-memcheck/ (tests/memcheck); fails listing each loader run with
# memory errors or definitely/indirectly lost blocks.
.PHONY: memcheck
memcheck: deps
	@tools/deps ensure test
	@tests/memcheck $(TESTS)

check: common
	@tools/check

# The whole platform matrix (tools/matrix: host, x86 5.10/6.1/6.12/7.2,
# arm64 6.1/6.12, Debian 13's toolchain), with progress and an ETA; hours.
.PHONY: matrix
matrix: all
	@tools/matrix run $(MATRIX)

.PHONY: test-toolchain
DIST ?= trixie
test-toolchain:
	@tools/test-toolchain --dist $(DIST) $(if $(filter-out $(HOST_ARCH),$(ARCH)),--arch $(ARCH)) \
		-- $(if $(TESTS),TESTS="$(TESTS)")

.PHONY: unit fuzz
unit: common
	@$(MAKE) -C common/test unit

FUZZ_SECONDS ?= 20
fuzz: deps
	@$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

format:
	@tools/check --fix

compile_commands.json:
	@{ echo '['; \
	   for d in common $(LESSONS); do $(MAKE) -s -C $$d compdb; done | sed '$$ s/,$$//'; \
	   echo ']'; } > $@.tmp && mv $@.tmp $@
	@echo "  GEN      $@"

FROM ?= running
vmlinux: deps
	@tools/vmlinux-gen $(ARCH) $(FROM) vmlinux/$(ARCH)/vmlinux.h

readme-table:
	@tools/lesson-table --update README.md
	@[ ! -e README.zh.md ] || tools/lesson-table --update README.zh.md

# make bench [QUICK=1] [BENCH_OUT=DIR]: the lessons' costs next to their peers
# (Go, bpftrace, libbpf-tools, strace) as ratios, in DIR/RESULTS.md + PNGs.
# QUICK=1 (the smoke run tests/bench.bats makes) installs no peer (hundreds
# of MB): a peer not installed gets "not installed" rows, no chart without
# gnuplot; it writes to build/bench-quick/, not over the committed results.
BENCH_OUT ?= $(if $(filter 1,$(QUICK)),build/bench-quick,bench)
.PHONY: bench
bench: all
	@$(if $(filter 1,$(QUICK)),tools/deps check peers || \
		echo "bench: QUICK=1 installs no peer: their rows say not installed",tools/deps ensure peers)
	@$(MAKE) -C bench
	@bench/run $(if $(filter 1,$(QUICK)),--quick) --out $(BENCH_OUT)

clean:
	rm -rf build build-san build-memcheck compile_commands.json
