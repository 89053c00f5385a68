# tests/diff: differential tests of build/vmdk against qemu-img (and
# libvmdk as a second oracle), descriptor variants and corrupt inputs.
# Generated images live under build/tests/diff.
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
diff-tests: $(BUILD)/vmdk $(LIBVMDK_CAT) $(STREAMCMP) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) LIBVMDK_CAT=$(abspath $(LIBVMDK_CAT)) STREAMCMP=$(abspath $(STREAMCMP)) \
	    OUT=$(abspath $(DIFF_OUT)) nice tests/diff/run.sh
TEST_STEPS += diff-tests
