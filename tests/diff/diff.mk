# tests/diff: every differential test, against qemu-img and libvmdk.
# This file: `make diff-tests` (run.sh) checks build/vmdk against qemu-img
# (and libvmdk as a second oracle) over the subformat matrix, descriptor
# variants, FAT and ext4 files and delta chains; vmdkdiff.mk adds
# `make vmdkdiff-tests` (chains and COWD through readdisk) and stream.mk
# `make stream-tests` (streamOptimized). Broken inputs are tests/bad-input.
# Generated images and helper binaries live under build/tests/diff.
DIFF_OUT := $(BUILD)/tests/diff
LIBVMDK_CAT := $(DIFF_OUT)/libvmdk_cat

$(LIBVMDK_CAT): tests/diff/libvmdk_cat.c | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $< -o $@ -lvmdk

STREAMCMP := $(DIFF_OUT)/streamcmp

$(STREAMCMP): tests/diff/streamcmp.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $< -o $@

.PHONY: diff-tests
TEST_BUILD += $(LIBVMDK_CAT) $(STREAMCMP)
diff-tests: $(BUILD)/vmdk $(LIBVMDK_CAT) $(STREAMCMP) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) LIBVMDK_CAT=$(abspath $(LIBVMDK_CAT)) STREAMCMP=$(abspath $(STREAMCMP)) \
	    OUT=$(abspath $(DIFF_OUT)) nice tests/diff/run.sh
TEST_STEPS += diff-tests
