# tests/bad-input: broken and hostile inputs, each asserting exact error
# names. `make bad-input-tests` runs both steps:
#  - `make catalogue`, the bad-input catalogue: mkbases.sh writes good
#    images with qemu-img (and tests/diff's mkcowd and mkstream), catgen
#    applies each case of cases.txt to a copy, catalogue.sh asserts the
#    exact error names of `vmdk check`, `vmdk cat` and (partition table /
#    FAT cases) fsprobe, with build/vmdk and with the ASan + UBSan build
#    build/asan/vmdk (tests/fuzz/asan.mk);
#  - `make corrupt-tests`: corrupt.sh, usage errors and damaged images
#    through the tool (exit status and the single stderr line).
# Files of other folders are named by path in prerequisites: tests/diff/ and
# tests/fuzz/ fragments are read after this one, so their variables are
# still empty here.
CAT_DIR := $(BUILD)/catalogue
BAD_INPUT_BIN := $(BUILD)/tests/bad-input
BAD_INPUT_MKCOWD := $(BUILD)/tests/diff/mkcowd
BAD_INPUT_MKSTREAM := $(BUILD)/tests/diff/mkstream
BAD_INPUT_STREAMCMP := $(BUILD)/tests/diff/streamcmp

$(BAD_INPUT_BIN)/catgen: tests/bad-input/catgen.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 $< -o $@

$(BAD_INPUT_BIN)/fsprobe: tests/bad-input/fsprobe.c $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $< $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@

$(BUILD)/asan/fsprobe: tests/bad-input/fsprobe.c $(BUILD)/asan/libcore.a $(patsubst %.c,$(BUILD)/asan/%.o,$(PLATFORM_HOST_SRCS))
	$(CC) $(ASAN_HOST_CFLAGS) $^ -o $@

$(CAT_DIR)/base/.stamp: tests/bad-input/mkbases.sh $(BAD_INPUT_MKCOWD) $(BAD_INPUT_MKSTREAM) | $(BUILD)/.deps-test
	tests/bad-input/mkbases.sh $(CAT_DIR)/base $(BAD_INPUT_MKCOWD) $(BAD_INPUT_MKSTREAM)
	@touch $@

$(CAT_DIR)/cases/cases.list: tests/bad-input/cases.txt $(BAD_INPUT_BIN)/catgen $(CAT_DIR)/base/.stamp
	$(BAD_INPUT_BIN)/catgen $(CAT_DIR)/base $(CAT_DIR)/cases tests/bad-input/cases.txt

.PHONY: catalogue
TEST_BUILD += $(CAT_DIR)/cases/cases.list $(BAD_INPUT_BIN)/fsprobe $(BUILD)/asan/vmdk $(BUILD)/asan/fsprobe $(BAD_INPUT_STREAMCMP)
catalogue: $(CAT_DIR)/cases/cases.list $(BUILD)/vmdk $(BAD_INPUT_BIN)/fsprobe $(BUILD)/asan/vmdk $(BUILD)/asan/fsprobe | $(BUILD)/.deps-test
	@# The two builds side by side (one per core); each prints its own verdict.
	@tests/bad-input/catalogue.sh $(CAT_DIR)/cases $(BUILD)/vmdk $(BAD_INPUT_BIN)/fsprobe plain \
	    > $(CAT_DIR)/plain.log 2>&1 & plain=$$!; \
	tests/bad-input/catalogue.sh $(CAT_DIR)/cases $(BUILD)/asan/vmdk $(BUILD)/asan/fsprobe asan \
	    > $(CAT_DIR)/asan.log 2>&1; asan=$$?; wait $$plain; plain=$$?; \
	cat $(CAT_DIR)/plain.log $(CAT_DIR)/asan.log; [ $$plain -eq 0 ] && [ $$asan -eq 0 ]

# corrupt.sh was part of `make diff-tests` until the tests were sorted by kind.
.PHONY: corrupt-tests
corrupt-tests: $(BUILD)/vmdk $(BAD_INPUT_STREAMCMP) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) STREAMCMP=$(abspath $(BAD_INPUT_STREAMCMP)) \
	    OUT=$(abspath $(BAD_INPUT_BIN)/corrupt) nice tests/bad-input/corrupt.sh

.PHONY: bad-input-tests
bad-input-tests: catalogue corrupt-tests

TEST_STEPS += catalogue corrupt-tests
