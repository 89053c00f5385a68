# tests/diff/stream.mk: differential tests of streamOptimized reading
# (stream.sh: qemu-img layout and VMware layout from our generator) against
# qemu-img, libvmdk and the raw input. Work files go to
# build/tests/diff/stream (removed on success). Uses diff.mk's libvmdk
# oracle and streamcmp (LIBVMDK_CAT, STREAMCMP).
STREAM_OUT := $(BUILD)/tests/diff/stream
STREAM_MKSTREAM := $(BUILD)/tests/diff/mkstream

# The generator reuses the unit tests' image writer (tests/unit/stream_image.c).
$(STREAM_MKSTREAM): tests/diff/mkstream.c $(HOST_OBJ)/tests/unit/libunithelpers.a $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itests/unit $< $(HOST_OBJ)/tests/unit/libunithelpers.a $(HOST_LDFLAGS) -o $@ -lz

.PHONY: stream-tests
TEST_BUILD += $(STREAM_MKSTREAM)
stream-tests: $(BUILD)/vmdk $(STREAM_MKSTREAM) $(LIBVMDK_CAT) $(STREAMCMP) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) MKSTREAM=$(abspath $(STREAM_MKSTREAM)) \
	    LIBVMDK_CAT=$(abspath $(LIBVMDK_CAT)) STREAMCMP=$(abspath $(STREAMCMP)) \
	    OUT=$(abspath $(STREAM_OUT)) nice tests/diff/stream.sh

TEST_STEPS += stream-tests
