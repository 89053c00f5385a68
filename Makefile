# vmdkboot: top-level build. `make` builds build/vmdk (and the EFI loader),
# `make test` runs every test, `make SANITIZE=1` builds host targets with
# ASan + UBSan. Each folder adds its own rules in a *.mk fragment below.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

BUILD    := build
CC       := gcc
# The test scripts call python3 once per image or case: they get Debian's
# (which make test installs) first on PATH, through a link in build/pybin,
# because a version manager's shim in front of it (pyenv) costs 0.4 s a call.
export PATH := $(abspath $(BUILD))/pybin:$(PATH)
SANITIZE ?= 0
# FUZZ_NO_CHECKSUM=1 makes CRC checks pass so fuzzers get past them.
FUZZ_NO_CHECKSUM ?= 0

# Debian packages: what `make` needs, and what `make test` needs on top.
BUILD_PKGS := gcc make binutils gnu-efi nasm python3 libdeflate-dev
TEST_PKGS  := qemu-utils qemu-system-x86 ovmf libvmdk-dev libbfio-dev libvmdk-utils zlib1g-dev \
              libdeflate-dev clang-14 libclang-rt-14-dev clang-format mtools dosfstools \
              gdisk fdisk e2fsprogs cpio sbsigntool openssl python3 xz-utils strace

$(BUILD)/.deps-build: tools/install-deps.sh
	@mkdir -p $(BUILD)
	tools/install-deps.sh $(BUILD_PKGS)
	@touch $@
$(BUILD)/.deps-test: tools/install-deps.sh $(BUILD)/.deps-build
	tools/install-deps.sh $(TEST_PKGS)
	@touch $@

# ---- core/: freestanding, shared by host and firmware builds -------------
CORE_SRCS := $(sort $(wildcard core/*/*.c))
CORE_HDRS := $(wildcard core/*.h core/*/*.h)
CORE_WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes
# -nostdinc keeps libc headers out; the compiler's own freestanding headers
# (stdint.h, stddef.h, stdbool.h, stdarg.h) stay reachable.
# Core headers are named by folder ("vmdk/vmdk.h"), from core/ as the root.
CORE_FREESTANDING := -std=c11 -ffreestanding -nostdlib -nostdinc \
    -isystem $(shell $(CC) -print-file-name=include) -fno-stack-protector -iquote core
CORE_DEFS := $(if $(filter 1,$(FUZZ_NO_CHECKSUM)),-DVB_FUZZ_NO_CHECKSUM=1)

HOST_OPT := -O2 -g
ifeq ($(SANITIZE),1)
HOST_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
HOST_SAN :=
endif
HOST_OBJ := $(BUILD)/host$(if $(filter 1,$(SANITIZE)),-asan)

# Rebuild host objects when the flags change (SANITIZE=0 <-> 1).
HOST_FLAGS_STAMP := $(HOST_OBJ)/.flags
HOST_FLAGS_NOW := $(CC) $(HOST_OPT) $(HOST_SAN) $(CORE_DEFS)
$(shell mkdir -p $(HOST_OBJ); [ "$$(cat $(HOST_FLAGS_STAMP) 2>/dev/null)" = "$(HOST_FLAGS_NOW)" ] || echo "$(HOST_FLAGS_NOW)" > $(HOST_FLAGS_STAMP))
# Final host binaries live at fixed paths; relink them when SANITIZE changes.
BIN_FLAGS_STAMP := $(BUILD)/.bin-flags
$(shell mkdir -p $(BUILD); [ "$$(cat $(BIN_FLAGS_STAMP) 2>/dev/null)" = "$(HOST_FLAGS_NOW)" ] || echo "$(HOST_FLAGS_NOW)" > $(BIN_FLAGS_STAMP))

CORE_HOST_OBJS := $(patsubst core/%.c,$(HOST_OBJ)/core/%.o,$(CORE_SRCS))
$(HOST_OBJ)/core/%.o: core/%.c $(CORE_HDRS) $(HOST_FLAGS_STAMP) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CORE_FREESTANDING) $(CORE_WARN) $(HOST_OPT) $(HOST_SAN) $(CORE_DEFS) -c $< -o $@

# The host links libc's mem* functions instead of core/lib/mem.c.
$(HOST_OBJ)/libcore.a: $(filter-out %/core/lib/mem.o,$(CORE_HOST_OBJS))
	rm -f $@
	ar rcs $@ $^

# Freestanding proof: every symbol a core object references is defined by a
# core object. Built without sanitizers, which add runtime references.
# Also the portability check: char unsigned as on AArch64, and no cast that
# raises a pointer's alignment (a fault or a slow path on other CPUs).
CHECK_OBJ := $(BUILD)/core-check
CORE_CHECK_OBJS := $(patsubst core/%.c,$(CHECK_OBJ)/%.o,$(CORE_SRCS))
CORE_PORTABLE := -funsigned-char -Wcast-align=strict
$(CHECK_OBJ)/%.o: core/%.c $(CORE_HDRS) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CORE_FREESTANDING) $(CORE_WARN) $(CORE_PORTABLE) -O2 -c $< -o $@
$(BUILD)/core-freestanding.ok: $(CORE_CHECK_OBJS)
	@nm -A $^ | awk '$$2 == "U" { print $$3 }' | sort -u > $(CHECK_OBJ)/undefined.txt
	@nm --defined-only $^ | awk 'NF == 3 && $$2 ~ /[TDBRVWC]/ { print $$3 }' | sort -u > $(CHECK_OBJ)/defined.txt
	@bad=$$(comm -23 $(CHECK_OBJ)/undefined.txt $(CHECK_OBJ)/defined.txt); \
	if [ -n "$$bad" ]; then echo "core/ references symbols it does not define:" $$bad >&2; exit 1; fi
	@echo "core/ is freestanding: $$(wc -l < $(CHECK_OBJ)/defined.txt) symbols defined, none missing"
	@touch $@

# ---- host platform --------------------------------------------------------
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wvla $(HOST_OPT) $(HOST_SAN) \
    $(CORE_DEFS) -Icore -Iplatform/host -D_FILE_OFFSET_BITS=64
HOST_LDFLAGS := $(HOST_SAN)
PLATFORM_HOST_SRCS := $(wildcard platform/host/*.c)
PLATFORM_HOST_OBJS := $(patsubst %.c,$(HOST_OBJ)/%.o,$(PLATFORM_HOST_SRCS))
$(HOST_OBJ)/platform/host/%.o: platform/host/%.c $(CORE_HDRS) $(wildcard platform/host/*.h) $(HOST_FLAGS_STAMP) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

# Targets and test steps collected from the fragments.
ALL_TARGETS  := $(BUILD)/core-freestanding.ok
TEST_STEPS   :=
TEST_BUILD   =
CLEAN_EXTRA  :=

include $(sort $(wildcard tools/*.mk platform/*/*.mk efi/*.mk tests/*.mk tests/*/*.mk))

# Layers (tools/check_layers.py): who may include whom in core/, and no two
# product files that call or include each other, in the host and firmware
# builds alike. Fails the build like core-freestanding.ok.
LAYER_HOST_OBJS := $(CORE_HOST_OBJS) $(PLATFORM_HOST_OBJS) $(TOOL_OBJS)
$(BUILD)/layers.ok: tools/check_layers.py $(LAYER_HOST_OBJS) $(EFI_OBJS) $(CORE_HDRS)
	python3 tools/check_layers.py includes
	python3 tools/check_layers.py calls $(HOST_OBJ) $(LAYER_HOST_OBJS)
	python3 tools/check_layers.py calls $(EFI_OBJ) $(EFI_OBJS)
	@echo "layers: includes follow core/README.md, no files call each other"
	@touch $@
.PHONY: layers
layers: $(BUILD)/layers.ok
ALL_TARGETS += $(BUILD)/layers.ok

.PHONY: all test clean format format-check bench demo fuzz
all: $(ALL_TARGETS)

# Every test step is a phony target; `make test` runs them all in order, one
# at a time (boot-tests runs its QEMU cases two at a time itself). First the
# Debian packages (apt takes one lock), then everything the steps build
# (each fragment adds its step's programs and images to TEST_BUILD), TEST_JOBS
# at a time: on 2 cores that halves the minutes spent compiling.
TEST_JOBS ?= 2
test:
	$(MAKE) $(BUILD)/.deps-test $(BUILD)/.deps-test-aa64
	$(MAKE) -j$(TEST_JOBS) test-build
	$(MAKE) -j1 test-steps
# The steps run in this order (make -j1 takes prerequisites left to right);
# after each one a test-time-STEP target notes its wall time, so a slow
# step shows in the summary and in $(BUILD)/test-times.txt.
TEST_ORDER := format-check $(TEST_STEPS)
TEST_CLOCK := $(BUILD)/.test-clock
.PHONY: test-build test-steps test-clock $(addprefix test-time-,$(TEST_ORDER))
test-build: all $(TEST_BUILD) $(BUILD)/pybin/python3
$(BUILD)/pybin/python3: | $(BUILD)/.deps-test
	@mkdir -p $(@D) && ln -sf /usr/bin/python3 $@
test-steps: test-clock $(foreach s,$(TEST_ORDER),$(s) test-time-$(s))
	@echo "make test: step times (s):" $$(cat $(BUILD)/test-times.txt)
	@echo "make test: all $(words $(TEST_STEPS)) test steps passed"
test-clock:
	@mkdir -p $(BUILD) && : > $(BUILD)/test-times.txt && date +%s > $(TEST_CLOCK)
$(addprefix test-time-,$(TEST_ORDER)): test-time-%:
	@now=$$(date +%s); echo "$*=$$((now - $$(cat $(TEST_CLOCK))))" >> $(BUILD)/test-times.txt; \
	    echo $$now > $(TEST_CLOCK)

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check: | $(BUILD)/.deps-test
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format: clean"

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)
