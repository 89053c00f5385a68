# tests/unit: one host binary per tests/unit/test_*.c, linked with core and
# the host platform. `make unit-tests` runs them all.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS := $(HOST_CFLAGS) -Itests/unit -Wno-missing-field-initializers

# Shared test helpers: every other tests/unit/*.c (memdir, image builders),
# archived and linked into each test binary (and usable by fuzzers).
UNIT_HELPER_SRCS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJS := $(patsubst tests/unit/%.c,$(HOST_OBJ)/tests/unit/%.o,$(UNIT_HELPER_SRCS))
UNIT_HELPER_LIB := $(HOST_OBJ)/tests/unit/libunithelpers.a
$(HOST_OBJ)/tests/unit/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) $(CORE_HDRS) $(HOST_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -c $< -o $@
$(UNIT_HELPER_LIB): $(UNIT_HELPER_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(UNIT_HELPER_LIB) $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $< $(UNIT_HELPER_LIB) $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@ $(UNIT_LDLIBS_$*)

.PHONY: unit-tests
TEST_BUILD += $(UNIT_BINS)
# UNIT_TEST_JOBS binaries at a time, each one's lines printed together.
UNIT_TEST_JOBS ?= 2
unit-tests: $(UNIT_BINS)
	@$(MAKE) -s -j$(UNIT_TEST_JOBS) --output-sync=target --no-print-directory $(addprefix unit-run-,$(notdir $(UNIT_BINS)))
.PHONY: $(addprefix unit-run-,$(notdir $(UNIT_BINS)))
$(addprefix unit-run-,$(notdir $(UNIT_BINS))): unit-run-%: $(BUILD)/tests/unit/%
	@$<

TEST_STEPS += unit-tests
