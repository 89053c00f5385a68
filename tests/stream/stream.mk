# tests/stream: differential tests of streamOptimized reading (qemu-img
# layout and VMware layout from our generator) against qemu-img, libvmdk
# and the raw input. Work files go to build/tests/stream (removed on success).
STREAM_OUT := $(BUILD)/tests/stream
STREAM_MKSTREAM := $(BUILD)/tests/stream-bin/mkstream

# The generator reuses the unit tests' image writer (tests/unit/stream_image.c).
$(STREAM_MKSTREAM): tests/stream/mkstream.c $(HOST_OBJ)/tests/unit/libunithelpers.a $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itests/unit $< $(HOST_OBJ)/tests/unit/libunithelpers.a $(HOST_LDFLAGS) -o $@ -lz

# libvmdk oracle: tests/diff builds it when its fragment is there.
ifeq ($(LIBVMDK_CAT),)
STREAM_LIBVMDK_CAT := $(BUILD)/tests/stream-bin/libvmdk_cat
$(STREAM_LIBVMDK_CAT): tests/diff/libvmdk_cat.c | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $< -o $@ -lvmdk
else
STREAM_LIBVMDK_CAT := $(LIBVMDK_CAT)
endif

.PHONY: stream-tests
stream-tests: $(BUILD)/vmdk $(STREAM_MKSTREAM) $(STREAM_LIBVMDK_CAT) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) MKSTREAM=$(abspath $(STREAM_MKSTREAM)) \
	    LIBVMDK_CAT=$(abspath $(STREAM_LIBVMDK_CAT)) OUT=$(abspath $(STREAM_OUT)) \
	    nice tests/stream/run.sh

TEST_STEPS += stream-tests
