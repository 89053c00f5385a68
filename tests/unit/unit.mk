# tests/unit: one host binary per tests/unit/test_*.c, linked with core and
# the host platform. `make unit-tests` runs them all.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS := $(HOST_CFLAGS) -Itests/unit -Wno-missing-field-initializers

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/test.h $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $< $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@ $(UNIT_LDLIBS_$*)

.PHONY: unit-tests
unit-tests: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do $$t; done

TEST_STEPS += unit-tests
