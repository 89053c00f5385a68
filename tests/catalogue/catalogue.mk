# tests/catalogue: the bad-input catalogue. mkbases.sh writes good images
# with qemu-img (and mkcowd, mkstream), catgen applies each case of cases.txt to a
# copy, run.sh asserts the exact error names of `vmdk check`, `vmdk cat`
# and (partition table / FAT cases) fsprobe, with build/vmdk and with the
# ASan + UBSan build build/asan/vmdk (tests/fuzz/asan.mk).
CAT_DIR := $(BUILD)/catalogue

$(BUILD)/tests/catalogue/catgen: tests/catalogue/catgen.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 $< -o $@

$(BUILD)/tests/catalogue/fsprobe: tests/catalogue/fsprobe.c $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $< $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@

$(BUILD)/asan/fsprobe: tests/catalogue/fsprobe.c $(BUILD)/asan/libcore.a $(patsubst %.c,$(BUILD)/asan/%.o,$(PLATFORM_HOST_SRCS))
	$(CC) $(ASAN_HOST_CFLAGS) $^ -o $@

$(CAT_DIR)/base/.stamp: tests/catalogue/mkbases.sh $(BUILD)/tests/vmdkdiff/mkcowd $(BUILD)/tests/stream-bin/mkstream | $(BUILD)/.deps-test
	tests/catalogue/mkbases.sh $(CAT_DIR)/base $(BUILD)/tests/vmdkdiff/mkcowd $(BUILD)/tests/stream-bin/mkstream
	@touch $@

$(CAT_DIR)/cases/cases.list: tests/catalogue/cases.txt $(BUILD)/tests/catalogue/catgen $(CAT_DIR)/base/.stamp
	$(BUILD)/tests/catalogue/catgen $(CAT_DIR)/base $(CAT_DIR)/cases tests/catalogue/cases.txt

.PHONY: catalogue
catalogue: $(CAT_DIR)/cases/cases.list $(BUILD)/vmdk $(BUILD)/tests/catalogue/fsprobe $(BUILD)/asan/vmdk $(BUILD)/asan/fsprobe | $(BUILD)/.deps-test
	@# The two builds side by side (one per core); each prints its own verdict.
	@tests/catalogue/run.sh $(CAT_DIR)/cases $(BUILD)/vmdk $(BUILD)/tests/catalogue/fsprobe plain \
	    > $(CAT_DIR)/plain.log 2>&1 & plain=$$!; \
	tests/catalogue/run.sh $(CAT_DIR)/cases $(BUILD)/asan/vmdk $(BUILD)/asan/fsprobe asan \
	    > $(CAT_DIR)/asan.log 2>&1; asan=$$?; wait $$plain; plain=$$?; \
	cat $(CAT_DIR)/plain.log $(CAT_DIR)/asan.log; [ $$plain -eq 0 ] && [ $$asan -eq 0 ]

TEST_STEPS += catalogue
