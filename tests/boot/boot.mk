# tests/boot: QEMU + OVMF boot tests (cases in tests/boot/cases.txt) and
# `make demo`. The lab's helper scripts live beside this file.
BOOT_LOADER  := $(BUILD)/vmdkboot.efi
BOOT_PAYLOAD := $(BUILD)/tests/payload/payload.efi
# Loader cases are skipped (and reported as such) until a fragment adds the
# loader to ALL_TARGETS.
BOOT_HAVE_LOADER := $(filter $(BOOT_LOADER),$(ALL_TARGETS))
# BOOT_ONLY=ERE runs only the cases whose names match.
BOOT_ONLY ?=

.PHONY: boot-tests
boot-tests: $(BOOT_PAYLOAD) $(BOOT_HAVE_LOADER) | $(BUILD)/.deps-test
	nice tests/boot/selftest
	nice tests/boot/run-boot-tests $(if $(BOOT_HAVE_LOADER),--loader $(BOOT_LOADER)) \
	    $(if $(BOOT_ONLY),--only '$(BOOT_ONLY)') tests/boot/cases.txt

TEST_STEPS += boot-tests

# make demo: boots a Debian kernel out of a VMDK with vmdkboot, on this
# terminal. INTERACTIVE=1 leaves you at the busybox shell.
INTERACTIVE ?= 0
demo: all $(BOOT_PAYLOAD) | $(BUILD)/.deps-test
	tests/boot/demo --loader $(BOOT_LOADER) --payload $(BOOT_PAYLOAD) $(if $(filter 1,$(INTERACTIVE)),--interactive)
