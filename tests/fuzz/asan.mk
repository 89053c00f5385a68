# tests/fuzz/asan.mk: an ASan + UBSan (gcc) build of core/, the host
# platform and the host tool in build/asan/, independent of SANITIZE, so
# `make test` can run the bad-input catalogue against build/asan/vmdk and
# replay fuzz inputs under gcc's sanitizers without leaving build/vmdk
# sanitized. Same flags as `make SANITIZE=1` (checksums are checked).
ASAN_DIR := $(BUILD)/asan
ASAN_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wvla $(HOST_OPT) $(ASAN_SAN) \
    -Icore -Iplatform/host -D_FILE_OFFSET_BITS=64

ASAN_CORE_OBJS := $(patsubst core/%.c,$(ASAN_DIR)/core/%.o,$(filter-out core/lib/mem.c,$(CORE_SRCS)))
$(ASAN_DIR)/core/%.o: core/%.c $(CORE_HDRS) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CORE_FREESTANDING) $(CORE_WARN) $(HOST_OPT) $(ASAN_SAN) -c $< -o $@
$(ASAN_DIR)/libcore.a: $(ASAN_CORE_OBJS)
	rm -f $@
	ar rcs $@ $^

ASAN_PLATFORM_OBJS := $(patsubst %.c,$(ASAN_DIR)/%.o,$(PLATFORM_HOST_SRCS))
$(ASAN_DIR)/platform/host/%.o: platform/host/%.c $(CORE_HDRS) $(wildcard platform/host/*.h) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ASAN_HOST_CFLAGS) -c $< -o $@

ASAN_TOOL_OBJS := $(patsubst %.c,$(ASAN_DIR)/%.o,$(sort $(wildcard tools/*.c)))
$(ASAN_DIR)/tools/%.o: tools/%.c $(wildcard tools/*.h) $(CORE_HDRS) $(wildcard platform/host/*.h) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ASAN_HOST_CFLAGS) -Itools -c $< -o $@

# build/asan/vmdk: the host tool with sanitizers.
$(ASAN_DIR)/vmdk: $(ASAN_TOOL_OBJS) $(ASAN_PLATFORM_OBJS) $(ASAN_DIR)/libcore.a
	$(CC) $(ASAN_SAN) $^ -o $@ $(TOOL_LDLIBS)

# Test helpers (memdir, image builders) with the same flags.
$(ASAN_DIR)/tests/%.o: tests/%.c $(wildcard tests/unit/*.h tests/fuzz/*.h) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ASAN_HOST_CFLAGS) -Itests/unit -Itests/fuzz -Wno-missing-field-initializers -c $< -o $@
