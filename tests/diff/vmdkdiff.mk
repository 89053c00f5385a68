# tests/diff/vmdkdiff.mk: differential checks of delta chains and COWD
# extents against qemu-img (vmdkdiff.sh; the reader's own part of the
# differential tests, next to the broad subformat matrix of run.sh).
# readdisk is a minimal host reader, mkcowd writes COWD extents from the
# format notes (the bad-input catalogue uses it too).
# The unit helpers' archive is named by path: tests/unit/unit.mk is read
# after this file, so its variables are still empty in prerequisites here.
VMDKDIFF_TOOLS := $(BUILD)/tests/diff/readdisk $(BUILD)/tests/diff/mkcowd

$(VMDKDIFF_TOOLS): $(BUILD)/tests/diff/%: tests/diff/%.c $(HOST_OBJ)/tests/unit/libunithelpers.a $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $< $(HOST_OBJ)/tests/unit/libunithelpers.a $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@

.PHONY: vmdkdiff-tests
TEST_BUILD += $(VMDKDIFF_TOOLS)
vmdkdiff-tests: $(VMDKDIFF_TOOLS) | $(BUILD)/.deps-test
	nice tests/diff/vmdkdiff.sh $(BUILD)/tests/diff

TEST_STEPS += vmdkdiff-tests
