# efi/efi_aa64.mk: builds build/vmdkbootaa64.efi, the loader for 64-bit ARM
# (\EFI\BOOT\BOOTAA64.EFI), from the same sources as build/vmdkboot.efi
# (efi/efi.mk), with the cross compiler and gnu-efi's arm64 headers and
# relocation code unpacked under build/aa64/sysroot (tools/install-aarch64.sh).
#
# `make` builds it when aarch64-linux-gnu-gcc is installed; `make aarch64`
# installs what is missing first; the test steps that need it (efi-pe-check,
# aa64-unit-tests, boot-tests) depend on it, so `make test` installs it too.
#
# Differences from x86_64: our own entry point (platform/efi/start_aa64.S,
# not gnu-efi's crt0, whose hand-made PE header only suits `objcopy -O
# binary`), the linker script linker/vmdkboot-aa64.lds, the timer
# (platform/efi/efi_time_aa64.c; platform/efi/*_x64.c are left out), no
# ms_abi (the EFI convention on AArch64 is the normal AAPCS64 one) and
# -mstrict-align (firmware may run with alignment checks or the MMU off).

AA64_PREFIX  := aarch64-linux-gnu-
AA64_CC      := $(AA64_PREFIX)gcc
AA64_SYSROOT := $(BUILD)/aa64/sysroot
AA64_HAVE_CC := $(shell command -v $(AA64_CC) 2>/dev/null)

$(BUILD)/.deps-aa64: tools/install-aarch64.sh tools/install-deps.sh
	@mkdir -p $(@D)
	tools/install-aarch64.sh $(AA64_SYSROOT)
	@touch $@

# What the AArch64 tests need on top: user-mode QEMU for the cross-built
# host programs, qemu-system-aarch64 and AAVMF for the boot lab.
$(BUILD)/.deps-test-aa64: tools/install-deps.sh $(BUILD)/.deps-aa64
	tools/install-deps.sh qemu-user qemu-system-arm qemu-efi-aarch64
	@touch $@

AA64_EFI_OBJ  := $(BUILD)/efi-aa64
AA64_GNUEFI   := $(AA64_SYSROOT)/usr
AA64_EFI_LDS  := linker/vmdkboot-aa64.lds
AA64_EFI_ARCH_FLAGS := -Os -fpic -ffreestanding -fno-stack-protector -fshort-wchar \
    -mgeneral-regs-only -mstrict-align -fno-asynchronous-unwind-tables \
    -fvisibility=hidden -ffunction-sections -fdata-sections
# Deferred (=): the cross compiler may only be installed while make runs.
AA64_FREESTANDING = -std=c11 -ffreestanding -nostdlib -nostdinc \
    -isystem $(shell $(AA64_CC) -print-file-name=include) -fno-stack-protector -iquote core
AA64_EFI_CORE_CFLAGS = $(AA64_FREESTANDING) $(CORE_WARN) -Wcast-align=strict $(AA64_EFI_ARCH_FLAGS)
AA64_EFI_CFLAGS = -std=gnu11 -ffreestanding -nostdlib -nostdinc \
    -isystem $(shell $(AA64_CC) -print-file-name=include) \
    -isystem $(AA64_GNUEFI)/include/efi -isystem $(AA64_GNUEFI)/include/efi/aarch64 \
    $(CORE_WARN) $(AA64_EFI_ARCH_FLAGS) -Icore -Iplatform/efi -Iefi \
    -DVMDKBOOT_VERSION='"$(VMDKBOOT_VERSION)"'

AA64_EFI_SRCS := $(filter-out %_x64.c,$(sort $(wildcard platform/efi/*.c))) $(sort $(wildcard efi/*.c))
AA64_EFI_OBJS := $(patsubst core/%.c,$(AA64_EFI_OBJ)/core/%.o,$(CORE_SRCS)) \
    $(patsubst %.c,$(AA64_EFI_OBJ)/%.o,$(AA64_EFI_SRCS))
AA64_START := $(AA64_EFI_OBJ)/platform/efi/start_aa64.o

$(AA64_EFI_OBJ)/core/%.o: core/%.c $(CORE_HDRS) efi/efi_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_EFI_CORE_CFLAGS) -c $< -o $@
$(AA64_EFI_OBJ)/%.o: %.c $(EFI_HDRS) efi/efi_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) $(AA64_EFI_CFLAGS) -c $< -o $@
$(AA64_START): platform/efi/start_aa64.S efi/efi_aa64.mk | $(BUILD)/.deps-aa64
	@mkdir -p $(@D)
	$(AA64_CC) -c $< -o $@

# Link; only R_AARCH64_RELATIVE may remain (all that _relocate applies).
$(AA64_EFI_OBJ)/vmdkboot.so: $(AA64_START) $(AA64_EFI_OBJS) $(AA64_EFI_LDS)
	$(AA64_PREFIX)ld $(subst $(EFI_LDS),$(AA64_EFI_LDS),$(EFI_LDFLAGS)) $(AA64_START) \
	    $(AA64_EFI_OBJS) $(AA64_GNUEFI)/lib/libgnuefi.a -o $@
	@bad=$$(readelf -rW $@ | awk '/^ *[0-9a-f]+ +[0-9a-f]+ +R_/ && $$3 != "R_AARCH64_RELATIVE" { print $$3 }' | sort -u); \
	if [ -n "$$bad" ]; then echo "vmdkbootaa64.so: relocations the start-up code cannot apply:" $$bad >&2; rm -f $@; exit 1; fi

$(AA64_EFI_OBJ)/vmdkboot-nonx.efi: $(AA64_EFI_OBJ)/vmdkboot.so $(EFI_OBJ)/sbat.csv
	end=$$(nm $< | awk '$$3 == "_image_end" { print $$1 }'); \
	$(AA64_PREFIX)objcopy -j .text -j .reloc -j .rodata -j .data -j .dynamic -j .rela -j .bss \
	    --add-section .sbat=$(EFI_OBJ)/sbat.csv \
	    --set-section-flags .sbat=contents,alloc,load,readonly,data \
	    --change-section-address .sbat=0x$$end \
	    --strip-all --target efi-app-aarch64 --subsystem=10 $< $@
$(BUILD)/vmdkbootaa64.efi: $(AA64_EFI_OBJ)/vmdkboot-nonx.efi $(BUILD)/tools/pe_tool
	cp $< $@.tmp
	$(BUILD)/tools/pe_tool nx $@.tmp
	mv $@.tmp $@
	@echo "build/vmdkbootaa64.efi: $$(stat -c %s $@) bytes"

ifneq ($(AA64_HAVE_CC),)
ALL_TARGETS += $(BUILD)/vmdkbootaa64.efi
endif
.PHONY: aarch64
aarch64: $(BUILD)/vmdkbootaa64.efi

# The same PE checks as vmdkboot.efi (efi/efi.mk), for the AArch64 machine.
.PHONY: efi-pe-check-aa64
TEST_BUILD += $(BUILD)/vmdkbootaa64.efi $(AA64_EFI_OBJ)/vmdkboot-nonx.efi
efi-pe-check-aa64: $(BUILD)/vmdkbootaa64.efi $(AA64_EFI_OBJ)/vmdkboot-nonx.efi $(BUILD)/tools/pe_tool
	$(call efi_pe_check,$(BUILD)/vmdkbootaa64.efi,$(AA64_EFI_OBJ)/vmdkboot-nonx.efi,aa64,$(AA64_PREFIX)objdump)
efi-pe-check: efi-pe-check-aa64
