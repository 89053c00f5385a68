# tests/vmdkdiff: differential checks of delta chains and COWD extents
# against qemu-img (the reader's own part of the differential tests; the
# broad subformat matrix is tests/diff). readdisk is a minimal host reader,
# mkcowd writes COWD extents from the format notes.
VMDKDIFF_TOOLS := $(BUILD)/tests/vmdkdiff/readdisk $(BUILD)/tests/vmdkdiff/mkcowd

$(BUILD)/tests/vmdkdiff/%: tests/vmdkdiff/%.c $(UNIT_HELPER_LIB) $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $< $(UNIT_HELPER_LIB) $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@

.PHONY: vmdkdiff-tests
vmdkdiff-tests: $(VMDKDIFF_TOOLS) | $(BUILD)/.deps-test
	nice tests/vmdkdiff/run.sh $(BUILD)/tests/vmdkdiff

TEST_STEPS += vmdkdiff-tests
