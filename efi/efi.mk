# efi/efi.mk: builds build/vmdkboot.efi, the UEFI application, from the same
# core/ sources as the host tool (compiled a second time with firmware flags
# into build/efi/), platform/efi/ and efi/, with gnu-efi's headers, crt0 and
# relocation code, and the project's linker script (linker/vmdkboot.lds).
#
# Build steps: compile (-Os, one section per function) -> ld -shared with
# --gc-sections, failing on undefined symbols and text relocations -> check
# that only R_X86_64_RELATIVE relocations remain (no absolute ones) ->
# objcopy to PE32+ (subsystem 10) adding .sbat -> tools/pe/pe_tool sets
# NX_COMPAT and the checksum. `make efi-pe-check` verifies the result.

# SBAT identity: packagers override VMDKBOOT_URL (and bump the generation in
# EFI_SBAT_GEN when a security fix must revoke older builds).
VMDKBOOT_VERSION ?= 0.1
VMDKBOOT_URL     ?= https://vmdkboot.invalid/
EFI_SBAT_GEN     := 1
# The size goal of the loader with every feature in (systemd-boot 252: 141 KB).
EFI_SIZE_LIMIT   := 131072
# The most memory the loaded image may take (PE SizeOfImage: code, data and
# the static objects of .bss, e.g. the vmdk_disk of efi/boot.c).
EFI_IMAGE_LIMIT  := 1048576

EFI_OBJ      := $(BUILD)/efi
GNUEFI_INC   := /usr/include/efi
GNUEFI_CRT0  := /usr/lib/crt0-efi-x86_64.o
GNUEFI_RELOC := /usr/lib/libgnuefi.a
EFI_LDS      := linker/vmdkboot.lds

# Firmware code: position-independent (crt0 relocates it), no red zone
# (interrupts use the stack), UCS-2 wchar_t, no SSE (firmware state is not
# ours), hidden symbols (direct, GOT-free references), sections per function
# for --gc-sections. Checksums are always verified here: FUZZ_NO_CHECKSUM is
# deliberately not passed on.
EFI_ARCH_FLAGS := -Os -fpic -ffreestanding -fno-stack-protector -fshort-wchar -mno-red-zone \
    -mgeneral-regs-only -maccumulate-outgoing-args -fno-asynchronous-unwind-tables \
    -fvisibility=hidden -ffunction-sections -fdata-sections
EFI_CORE_CFLAGS := $(CORE_FREESTANDING) $(CORE_WARN) $(EFI_ARCH_FLAGS)
EFI_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -nostdinc \
    -isystem $(shell $(CC) -print-file-name=include) \
    -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/x86_64 -DGNU_EFI_USE_MS_ABI \
    $(CORE_WARN) $(EFI_ARCH_FLAGS) -Icore -Iplatform/efi -Iefi \
    -DVMDKBOOT_VERSION='"$(VMDKBOOT_VERSION)"'
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -z text --no-undefined \
    --gc-sections --build-id=none -T $(EFI_LDS)

EFI_PLATFORM_SRCS := $(filter-out %_aa64.c,$(sort $(wildcard platform/efi/*.c)))
EFI_APP_SRCS      := $(sort $(wildcard efi/*.c))
EFI_HDRS := $(CORE_HDRS) $(wildcard platform/efi/*.h efi/*.h)
EFI_CORE_OBJS := $(patsubst core/%.c,$(EFI_OBJ)/core/%.o,$(CORE_SRCS))
EFI_OBJS := $(EFI_CORE_OBJS) \
    $(patsubst %.c,$(EFI_OBJ)/%.o,$(EFI_PLATFORM_SRCS) $(EFI_APP_SRCS))

# Inflate runs for every compressed byte (a RAM disk fill inflates all the
# stored data of the disk): -O2 there (about 1.5 KiB more; under TCG the
# 106 MiB of tests/bench/ramdisk-fill inflate about 1.1 s faster), -Os
# elsewhere.
$(EFI_OBJ)/core/inflate/%.o: EFI_CORE_CFLAGS += -O2
$(EFI_OBJ)/core/%.o: core/%.c $(CORE_HDRS) efi/efi.mk | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(EFI_CORE_CFLAGS) -c $< -o $@
$(EFI_OBJ)/platform/efi/%.o: platform/efi/%.c $(EFI_HDRS) efi/efi.mk | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -c $< -o $@
$(EFI_OBJ)/efi/%.o: efi/%.c $(EFI_HDRS) efi/efi.mk | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

# Link; then refuse any dynamic relocation other than R_X86_64_RELATIVE
# (gnu-efi's _relocate applies only those: anything else would be an
# absolute address the firmware never fixes up).
$(EFI_OBJ)/vmdkboot.so: $(EFI_OBJS) $(EFI_LDS) | $(BUILD)/.deps-build
	ld $(EFI_LDFLAGS) $(GNUEFI_CRT0) $(EFI_OBJS) $(GNUEFI_RELOC) -o $@
	@bad=$$(readelf -rW $@ | awk '/^ *[0-9a-f]+ +[0-9a-f]+ +R_/ && $$3 != "R_X86_64_RELATIVE" { print $$3 }' | sort -u); \
	if [ -n "$$bad" ]; then echo "vmdkboot.so: relocations the start-up code cannot apply:" $$bad >&2; rm -f $@; exit 1; fi

$(EFI_OBJ)/sbat.csv: efi/efi.mk
	@mkdir -p $(@D)
	printf '%s\n%s\n' \
	    'sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md' \
	    'vmdkboot,$(EFI_SBAT_GEN),vmdkboot,vmdkboot,$(VMDKBOOT_VERSION),$(VMDKBOOT_URL)' > $@

# The host tool that sets NX_COMPAT (and checks the result).
$(BUILD)/tools/pe_tool: tools/pe/pe_tool.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -o $@

# .sbat goes right after the image (at _image_end, page-aligned).
$(EFI_OBJ)/vmdkboot-nonx.efi: $(EFI_OBJ)/vmdkboot.so $(EFI_OBJ)/sbat.csv
	end=$$(nm $< | awk '$$3 == "_image_end" { print $$1 }'); \
	objcopy -j .text -j .reloc -j .rodata -j .data -j .dynamic -j .rela -j .bss \
	    --add-section .sbat=$(EFI_OBJ)/sbat.csv \
	    --set-section-flags .sbat=contents,alloc,load,readonly,data \
	    --change-section-address .sbat=0x$$end \
	    --strip-all --target efi-app-x86_64 --subsystem=10 $< $@
$(BUILD)/vmdkboot.efi: $(EFI_OBJ)/vmdkboot-nonx.efi $(BUILD)/tools/pe_tool
	cp $< $@.tmp
	$(BUILD)/tools/pe_tool nx $@.tmp
	mv $@.tmp $@
	@echo "build/vmdkboot.efi: $$(stat -c %s $@) bytes"

ALL_TARGETS += $(BUILD)/vmdkboot.efi

# PE properties, checked two ways: our checker, and objdump's reading of the
# headers. The checker must also reject the build before NX_COMPAT is set.
# $(call efi_pe_check,FILE,NONX_FILE,MACHINE,OBJDUMP) is also used by efi/efi_aa64.mk.
define efi_pe_check
	$(BUILD)/tools/pe_tool check $(1) $(3)
	@if $(BUILD)/tools/pe_tool check $(2) $(3) 2>/dev/null; then \
	    echo "efi-pe-check: pe_tool accepted a PE without NX_COMPAT" >&2; exit 1; fi
	@$(4) -p $(1) > $(2).objdump-p.txt
	@grep -q '^Magic[[:space:]]*020b' $(2).objdump-p.txt
	@grep -q '^Subsystem[[:space:]]*0000000a' $(2).objdump-p.txt
	@grep -q '^DllCharacteristics[[:space:]]*00000100' $(2).objdump-p.txt
	@grep -q '^SectionAlignment[[:space:]]*00001000' $(2).objdump-p.txt
	@$(4) -h $(1) | grep -q ' \.sbat '
	@$(4) -h $(1) | awk '/^ +[0-9]+ / { name = $$2; getline; \
	    if ($$0 ~ /CODE/ && $$0 !~ /READONLY/) { print "writable code section " name; bad = 1 } } \
	    END { exit bad }'
	@size=$$(stat -c %s $(1)); \
	image=$$(awk '$$1 == "SizeOfImage" { print $$2 }' $(2).objdump-p.txt); \
	[ -n "$$image" ] || { echo "efi-pe-check: no SizeOfImage in objdump -p" >&2; exit 1; }; \
	image=$$((0x$$image)); \
	echo "efi-pe-check: $(notdir $(1)) is $$size bytes (limit $(EFI_SIZE_LIMIT)), SizeOfImage $$image bytes (limit $(EFI_IMAGE_LIMIT))"; \
	bad=0; \
	if [ $$size -gt $(EFI_SIZE_LIMIT) ]; then \
	    echo "efi-pe-check: $(notdir $(1)) is $$size bytes, over the $(EFI_SIZE_LIMIT)-byte goal" >&2; bad=1; fi; \
	if [ $$image -gt $(EFI_IMAGE_LIMIT) ]; then \
	    echo "efi-pe-check: SizeOfImage is $$image bytes, over the $(EFI_IMAGE_LIMIT)-byte limit" >&2; bad=1; fi; \
	[ $$bad = 0 ] || exit 1; \
	echo "efi-pe-check: $(notdir $(1)) ok"
endef
.PHONY: efi-pe-check
TEST_BUILD += $(BUILD)/vmdkboot.efi $(EFI_OBJ)/vmdkboot-nonx.efi $(BUILD)/tools/pe_tool
efi-pe-check: $(BUILD)/vmdkboot.efi $(EFI_OBJ)/vmdkboot-nonx.efi $(BUILD)/tools/pe_tool
	$(call efi_pe_check,$(BUILD)/vmdkboot.efi,$(EFI_OBJ)/vmdkboot-nonx.efi,x64,objdump)

TEST_STEPS += efi-pe-check
