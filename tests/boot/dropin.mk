# tests/boot/dropin.mk: the drop-in images lab (tests/boot/dropin-tests):
# three Linux boots under QEMU + OVMF (no configuration; installed with
# vmdkboot-install and a default glob; a UKI), one payload boot (the image's
# own EFI loader), and `vmdk entries` compared with the loader's list. DROPIN_ONLY=ERE runs only those cases.
DROPIN_ONLY ?=
.PHONY: dropin-tests
dropin-tests: $(BUILD)/vmdkboot.efi $(BUILD)/vmdk $(BOOT_PAYLOAD) | $(BUILD)/.deps-test
	nice tests/boot/dropin-tests --loader $(BUILD)/vmdkboot.efi $(if $(DROPIN_ONLY),--only '$(DROPIN_ONLY)')

TEST_STEPS += dropin-tests
