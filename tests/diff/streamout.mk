# tests/diff/streamout.mk: streamOptimized output (`vmdk convert -t
# streamOptimized`) and the threaded `vmdk cat`, checked with qemu-img,
# libvmdk and the single-threaded cat (streamout.sh). Work files go to
# build/tests/diff/streamout (removed on success). Uses diff.mk's libvmdk
# oracle and streamcmp (LIBVMDK_CAT, STREAMCMP).
STREAMOUT_OUT := $(BUILD)/tests/diff/streamout

.PHONY: streamout-tests
streamout-tests: $(BUILD)/vmdk $(LIBVMDK_CAT) $(STREAMCMP) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) LIBVMDK_CAT=$(abspath $(LIBVMDK_CAT)) \
	    STREAMCMP=$(abspath $(STREAMCMP)) OUT=$(abspath $(STREAMOUT_OUT)) nice tests/diff/streamout.sh

TEST_STEPS += streamout-tests
