# tests/bench/ramdisk.mk: `make bench-ramdisk`, the RAM-disk fill figure
# (tests/bench/ramdisk-fill: two QEMU runs, a few minutes under TCG; not part
# of `make bench` nor `make test`).
.PHONY: bench-ramdisk
bench-ramdisk: $(BUILD)/vmdkboot.efi $(BUILD)/tests/payload/payload.efi | $(BUILD)/.deps-test
	tests/bench/ramdisk-fill $(BUILD)/vmdkboot.efi $(BUILD)/tests/payload/payload.efi $(BUILD)/bench/ramdisk
