# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Top level: build every lesson, run every test.
#
#   make              build the helper library and every lesson (-j safe)
#   make test         build, then run all bats tests against this kernel, then
#                     re-run the ones it skipped for a missing kernel feature
#                     inside Debian's 6.1 kernel under qemu (VMTEST=0: don't;
#                     VMTEST=6.12: that kernel instead)
#   make vmtest KERNEL=6.1|6.12   build, then run all bats tests inside that
#                     Debian kernel under qemu (tools/vmtest)
#   make test-toolchain DIST=trixie   the host suite (make test VMTEST=0)
#                     built and run by another Debian release's toolchain in
#                     a pristine root (tools/freshroot; COMMITTED HEAD only)
#   make check        lint: clang-format, shellcheck, lesson metadata, -Werror,
#                     clang-tidy, and the helper library's unit tests under
#                     ASan+UBSan
#   make unit         the helper library's unit tests (common/test/)
#   make fuzz         libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each
#   make SANITIZE=1 [unit|LESSON...]   ASan+UBSan build in build-san/
#   make format       apply clang-format to every C file
#   make compile_commands.json   for clangd / CLion / VS Code
#   make vmlinux [ARCH=x86|arm64] [FROM=running|RELEASE|FILE]
#                     regenerate vmlinux/$(ARCH)/vmlinux.h from a kernel's
#                     own BTF: this one (default), a Debian release's kernel
#                     package (FROM=trixie), or a .deb/image (tools/vmlinux-gen)
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
test: all
	@VMTEST=$(VMTEST) tests/run $(TESTS)

KERNEL ?= 6.1
VMTEST_TIMEOUT ?= 3600
vmtest: all
	@tools/vmtest --kernel $(KERNEL) --timeout $(VMTEST_TIMEOUT) --rw build/test-results/$(notdir $(KERNEL)) \
		-e RESULTS_LABEL=$(notdir $(KERNEL)) -e VMTEST=0 -- tests/run $(TESTS)

check: common
	@tools/check

.PHONY: test-toolchain
DIST ?= trixie
test-toolchain:
	@tools/test-toolchain --dist $(DIST) -- $(if $(TESTS),TESTS="$(TESTS)")

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

clean:
	rm -rf build build-san compile_commands.json
