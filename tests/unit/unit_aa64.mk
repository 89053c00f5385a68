# tests/unit/unit_aa64.mk: core's unit tests and the vmdk tool cross-built
# for AArch64 (aarch64-linux-gnu-gcc, static, zlib from the arm64 package
# unpacked by tools/install-aarch64.sh) and run under qemu-aarch64:
#   make aa64-unit-tests   every tests/unit/test_* binary, same checks, same
#                          images as `make unit-tests` (test_mem: mem.c as the
#                          AArch64 loader builds it, the portable loops)
#   make aa64-cat-tests    `vmdk cat` of AArch64 and of x86_64 byte-identical
#                          over VMDKs of every kind (tests/unit/aa64-cat.sh)
# Objects live in build/host-aa64; only the cross compiler differs from the
# x86_64 host build, plus -fsanitize=alignment with traps (no runtime
# library needed) so a misaligned access in core stops the tests.
AA64_HOST_OBJ := $(BUILD)/host-aa64
AA64_HOST_OPT := -O2 -g -fsanitize=alignment -fsanitize-undefined-trap-on-error
AA64_ZLIB := $(AA64_SYSROOT)/usr
AA64_HOST_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wvla $(AA64_HOST_OPT) $(CORE_DEFS) \
    -Icore -Iplatform/host -D_FILE_OFFSET_BITS=64 -isystem $(AA64_ZLIB)/include
AA64_HOST_LDFLAGS = -static -L$(AA64_ZLIB)/lib/aarch64-linux-gnu
AA64_RUN := qemu-aarch64

AA64_CORE_OBJS := $(patsubst core/%.c,$(AA64_HOST_OBJ)/core/%.o,$(filter-out core/lib/mem.c,$(CORE_SRCS)))
$(AA64_HOST_OBJ)/core/%.o: core/%.c $(CORE_HDRS) tests/unit/unit_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_FREESTANDING) $(CORE_WARN) -Wcast-align=strict $(AA64_HOST_OPT) $(CORE_DEFS) -c $< -o $@
$(AA64_HOST_OBJ)/libcore.a: $(AA64_CORE_OBJS)
	rm -f $@
	$(AA64_PREFIX)ar rcs $@ $^

AA64_PLATFORM_OBJS := $(patsubst %.c,$(AA64_HOST_OBJ)/%.o,$(PLATFORM_HOST_SRCS))
AA64_HELPER_OBJS := $(patsubst %.c,$(AA64_HOST_OBJ)/%.o,$(UNIT_HELPER_SRCS))
AA64_HELPER_LIB := $(AA64_HOST_OBJ)/tests/unit/libunithelpers.a
$(AA64_HELPER_LIB): $(AA64_HELPER_OBJS)
	rm -f $@
	$(AA64_PREFIX)ar rcs $@ $^
# (tools/tools.mk is read after this file: its TOOL_SRCS is not set yet.)
AA64_TOOL_OBJS := $(patsubst %.c,$(AA64_HOST_OBJ)/%.o,$(sort $(wildcard tools/*.c)))
$(AA64_HOST_OBJ)/%.o: %.c $(CORE_HDRS) $(wildcard platform/host/*.h tests/unit/*.h tools/*.h) tests/unit/unit_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_HOST_CFLAGS) -Itests/unit -Itools -Wno-missing-field-initializers -c $< -o $@

$(BUILD)/aa64/vmdk: $(AA64_TOOL_OBJS) $(AA64_PLATFORM_OBJS) $(AA64_HOST_OBJ)/libcore.a
	$(AA64_CC) $(AA64_HOST_LDFLAGS) $^ -o $@ -ldeflate -lpthread

# test_mem: core/lib/mem.c with the AArch64 loader's flags, its functions
# renamed as tests/unit/mem.mk does (both names: both builds are the same
# portable code on AArch64).
AA64_MEM_OBJS := $(AA64_HOST_OBJ)/tests/unit/mem/mem_asm.o $(AA64_HOST_OBJ)/tests/unit/mem/mem_c.o
$(AA64_HOST_OBJ)/tests/unit/mem/%.o: core/lib/mem.c efi/efi_aa64.mk tests/unit/unit_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_EFI_CORE_CFLAGS) -fno-builtin -c $< -o $@.tmp
	$(AA64_PREFIX)objcopy $(foreach f,$(UNIT_MEM_FUNCS),--redefine-sym $(f)=$(subst mem_,mem,$*)_$(f)) $@.tmp $@
	@rm -f $@.tmp
	@undefined=$$($(AA64_PREFIX)nm -u $@); if [ -n "$$undefined" ]; then \
	    echo "$@: core/lib/mem.c calls out:" $$undefined >&2; rm -f $@; exit 1; fi

AA64_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/aa64/tests/unit/%,$(UNIT_SRCS))
AA64_LDLIBS_test_mem := $(AA64_MEM_OBJS)
$(BUILD)/aa64/tests/unit/test_mem: $(AA64_MEM_OBJS)
# Kept: make would delete these as intermediates of the pattern rules.
.SECONDARY: $(patsubst tests/unit/%.c,$(AA64_HOST_OBJ)/tests/unit/%.o,$(UNIT_SRCS)) $(AA64_HELPER_OBJS)
$(BUILD)/aa64/tests/unit/%: $(AA64_HOST_OBJ)/tests/unit/%.o $(AA64_HELPER_LIB) $(AA64_PLATFORM_OBJS) $(AA64_HOST_OBJ)/libcore.a
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_HOST_LDFLAGS) $< $(AA64_HELPER_LIB) $(AA64_PLATFORM_OBJS) $(AA64_HOST_OBJ)/libcore.a \
	    $(subst $(UNIT_MEM_OBJS),$(AA64_MEM_OBJS),$(UNIT_LDLIBS_$*)) -o $@

.PHONY: aa64-unit-tests aa64-cat-tests
TEST_BUILD += $(AA64_UNIT_BINS) $(BUILD)/aa64/vmdk
aa64-unit-tests: $(AA64_UNIT_BINS) $(EXT4_IMAGES)/.stamp $(PARTFS_IMAGES)/.stamp | $(BUILD)/.deps-test-aa64
	@$(MAKE) -s -j$(UNIT_TEST_JOBS) --output-sync=target --no-print-directory $(addprefix aa64-unit-run-,$(notdir $(AA64_UNIT_BINS)))
	@echo "aa64-unit-tests: $(words $(AA64_UNIT_BINS)) test binaries passed under qemu-aarch64"
.PHONY: $(addprefix aa64-unit-run-,$(notdir $(AA64_UNIT_BINS)))
$(addprefix aa64-unit-run-,$(notdir $(AA64_UNIT_BINS))): aa64-unit-run-%: $(BUILD)/aa64/tests/unit/%
	@echo "qemu-aarch64 $<"; $(AA64_RUN) $<

aa64-cat-tests: $(BUILD)/aa64/vmdk $(BUILD)/vmdk | $(BUILD)/.deps-test $(BUILD)/.deps-test-aa64
	nice tests/unit/aa64-cat.sh $(BUILD)/vmdk "$(AA64_RUN) $(BUILD)/aa64/vmdk" $(BUILD)/tests/aa64-cat

aarch64: $(BUILD)/aa64/vmdk
TEST_STEPS += aa64-unit-tests aa64-cat-tests
# Under `make test` (even with -j) the diff tests' VMDKs are complete first.
ifneq ($(filter test test-steps,$(MAKECMDGOALS)),)
aa64-cat-tests: diff-tests
endif
