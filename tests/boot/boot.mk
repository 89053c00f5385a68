# tests/boot: QEMU + OVMF boot tests (cases in tests/boot/cases.txt) and
# `make demo`. The lab's helper scripts live beside this file, and so does
# its test payload (payload.asm, built by payload.mk).
BOOT_LOADER  := $(BUILD)/vmdkboot.efi
BOOT_LOADER_AA64 := $(BUILD)/vmdkbootaa64.efi
BOOT_PAYLOAD := $(BUILD)/tests/payload/payload.efi
# BOOT_ONLY=ERE runs only the cases whose names match.
BOOT_ONLY ?=

# The step depends on the loader itself (efi/efi.mk builds it), never on what
# another fragment happens to have added to ALL_TARGETS before this one: a
# missing loader fails the build here, and run-boot-tests fails any loader
# case that finds no loader file.
.PHONY: boot-tests
TEST_BUILD += $(BOOT_PAYLOAD) $(BOOT_LOADER) $(BOOT_LOADER_AA64)
boot-tests: $(BOOT_PAYLOAD) $(BOOT_LOADER) $(BOOT_LOADER_AA64) | $(BUILD)/.deps-test $(BUILD)/.deps-test-aa64
	nice tests/boot/selftest
	nice tests/boot/run-boot-tests --loader $(BOOT_LOADER) --loader-aa64 $(BOOT_LOADER_AA64) \
	    $(if $(BOOT_ONLY),--only '$(BOOT_ONLY)') tests/boot/cases.txt

TEST_STEPS += boot-tests

# make demo: boots a Debian kernel out of a VMDK with vmdkboot, on this
# terminal. INTERACTIVE=1 leaves you at the busybox shell.
INTERACTIVE ?= 0
demo: all $(BOOT_PAYLOAD) | $(BUILD)/.deps-test
	tests/boot/demo --loader $(BOOT_LOADER) --payload $(BOOT_PAYLOAD) $(if $(filter 1,$(INTERACTIVE)),--interactive)
