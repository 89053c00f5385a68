# tests/fuzz/fuzz.mk: libFuzzer harnesses (clang 14, ASan + UBSan), one per
# parser: every tests/fuzz/fuzz_NAME.c (but fuzz_util.c) is a harness NAME
# with its corpus in tests/fuzz/corpus/NAME and its regression inputs in
# tests/fuzz/regressions/NAME.
#   make fuzz            each harness for FUZZ_SECONDS (default 300); new
#                        corpus entries are merged (minimised) into
#                        tests/fuzz/corpus/NAME
#   make fuzz-test       (part of `make test`) each harness for
#                        FUZZ_TEST_SECONDS (10), FUZZ_TEST_JOBS (2) at a
#                        time, then every corpus and
#                        regression input replayed by the libFuzzer build
#                        and by a gcc ASan + UBSan build
#   make fuzz-NAME       one harness for FUZZ_SECONDS
# core/ is compiled with clang into build/fuzz/obj with the same sanitizers
# and -DVB_FUZZ_NO_CHECKSUM=1 (CRC-32 and Adler-32 checks pass).
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 300
FUZZ_TEST_SECONDS ?= 10
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_COMMON := -O1 -g $(FUZZ_SAN) -DVB_FUZZ_NO_CHECKSUM=1 -Wall -Wextra -Wshadow -Wvla
FUZZ_CORE_CFLAGS = -std=c11 -ffreestanding -nostdinc \
    -isystem $(shell $(FUZZ_CC) -print-resource-dir)/include -fno-stack-protector -iquote core \
    $(FUZZ_COMMON) -fsanitize=fuzzer-no-link
FUZZ_HOST_CFLAGS := -std=gnu11 $(FUZZ_COMMON) -Werror -Icore -Itests/unit -Itests/fuzz \
    -Wno-missing-field-initializers -fsanitize=fuzzer-no-link

FUZZ_HARNESS_SRCS := $(sort $(filter-out tests/fuzz/fuzz_util.c,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_HARNESS_SRCS))
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
FUZZ_REPLAY_BINS := $(patsubst %,$(BUILD)/asan/replay_%,$(FUZZ_NAMES))

# Per-harness extra libraries and libFuzzer options.
FUZZ_LDLIBS_inflate := -lz
FUZZ_OPTS_vmdk := -max_len=65536 -dict=tests/fuzz/vmdk.dict
FUZZ_OPTS_grain := -max_len=65536 -dict=tests/fuzz/vmdk.dict
FUZZ_OPTS_descriptor := -max_len=8192 -dict=tests/fuzz/vmdk.dict
FUZZ_OPTS_part := -max_len=20480
FUZZ_OPTS_fat := -max_len=20480
FUZZ_OPTS_ext4 := -max_len=65536
FUZZ_OPTS_inflate := -max_len=65536
FUZZ_OPTS_cfg := -max_len=8192 -dict=tests/fuzz/cfg.dict
FUZZ_OPTS_writer := -max_len=256
FUZZ_OPTS_bls := -max_len=10000
FUZZ_OPTS_pe := -max_len=8192

FUZZ_CORE_OBJS := $(patsubst core/%.c,$(FUZZ_DIR)/obj/core/%.o,$(filter-out core/lib/mem.c,$(CORE_SRCS)))
$(FUZZ_DIR)/obj/core/%.o: core/%.c $(CORE_HDRS) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -c $< -o $@
$(FUZZ_DIR)/obj/libcore.a: $(FUZZ_CORE_OBJS)
	rm -f $@
	ar rcs $@ $^

FUZZ_HELPER_SRCS := tests/fuzz/fuzz_util.c tests/unit/memdir.c tests/unit/memdir_sparse.c tests/unit/vmdk_image.c
FUZZ_HELPER_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_HELPER_SRCS))
$(FUZZ_DIR)/obj/tests/%.o: tests/%.c $(wildcard tests/unit/*.h tests/fuzz/*.h) $(CORE_HDRS) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HELPER_OBJS) $(FUZZ_DIR)/obj/libcore.a $(wildcard tests/fuzz/*.h)
	$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_HELPER_OBJS) $(FUZZ_DIR)/obj/libcore.a -o $@ $(FUZZ_LDLIBS_$*)

# The same harnesses with replay_main.c under gcc's ASan + UBSan (asan.mk).
ASAN_HELPER_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(FUZZ_HELPER_SRCS) tests/fuzz/replay_main.c)
$(BUILD)/asan/replay_%: tests/fuzz/fuzz_%.c $(ASAN_HELPER_OBJS) $(BUILD)/asan/libcore.a $(wildcard tests/fuzz/*.h)
	$(CC) $(ASAN_HOST_CFLAGS) -Itests/unit -Itests/fuzz -Wno-missing-field-initializers $< $(ASAN_HELPER_OBJS) $(BUILD)/asan/libcore.a -o $@ $(FUZZ_LDLIBS_$*)

.PHONY: fuzz fuzz-test fuzz-build $(patsubst %,fuzz-%,$(FUZZ_NAMES))
fuzz-build: $(FUZZ_BINS) $(FUZZ_REPLAY_BINS)

TEST_BUILD += $(FUZZ_BINS) $(FUZZ_REPLAY_BINS)
# The harnesses fuzz FUZZ_TEST_JOBS at a time (libFuzzer uses one core each),
# each one's lines printed together.
FUZZ_TEST_JOBS ?= 2
fuzz-test: $(FUZZ_BINS) $(FUZZ_REPLAY_BINS) | $(BUILD)/.deps-test
	@$(MAKE) -s -j$(FUZZ_TEST_JOBS) --output-sync=target --no-print-directory $(patsubst %,fuzz-test-%,$(FUZZ_NAMES))
	@$(foreach n,$(FUZZ_NAMES),tests/fuzz/run.sh replay $(n) 0 $(FUZZ_DIR) &&) true

.PHONY: $(patsubst %,fuzz-test-%,$(FUZZ_NAMES))
$(patsubst %,fuzz-test-%,$(FUZZ_NAMES)): fuzz-test-%: $(FUZZ_DIR)/fuzz_%
	@tests/fuzz/run.sh test $* $(FUZZ_TEST_SECONDS) $(FUZZ_DIR) "$(FUZZ_OPTS_$*)"

$(patsubst %,fuzz-%,$(FUZZ_NAMES)): fuzz-%: $(FUZZ_DIR)/fuzz_% | $(BUILD)/.deps-test
	tests/fuzz/run.sh fuzz $* $(FUZZ_SECONDS) $(FUZZ_DIR) "$(FUZZ_OPTS_$*)"

fuzz: $(patsubst %,fuzz-%,$(FUZZ_NAMES))

TEST_STEPS += fuzz-test

# Seeds: `make fuzz-seeds` rewrites the seed-* inputs of the committed
# corpora (run by hand when a harness or format changes; the results are
# committed). mkseeds.c handcrafts, mkseeds.sh adds images made by the
# standard tools.
$(BUILD)/tests/fuzz/mkseeds: tests/fuzz/mkseeds.c tests/fuzz/fuzz_util.h $(HOST_OBJ)/tests/unit/libunithelpers.a $(HOST_OBJ)/libcore.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itests/unit -Itests/fuzz $< $(HOST_OBJ)/tests/unit/libunithelpers.a $(HOST_OBJ)/libcore.a -o $@ -lz
.PHONY: fuzz-seeds
fuzz-seeds: $(BUILD)/tests/fuzz/mkseeds | $(BUILD)/.deps-test
	$(BUILD)/tests/fuzz/mkseeds tests/fuzz/corpus
	tests/fuzz/mkseeds.sh tests/fuzz/corpus $(BUILD)/fuzz/seedwork

# Unsigned wrap-arounds: every committed corpus and regression input
# replayed with core/ built with -fsanitize=unsigned-integer-overflow
# (recoverable, so one run lists every site); wraps that are intended are
# suppressed by function in tests/fuzz/uio.supp, any other fails. Not part
# of `make test` (it is a review aid, and slow to build); run it after
# `make fuzz`.
UIO_DIR := $(FUZZ_DIR)/uio
UIO_FLAGS := -O1 -g -fsanitize=unsigned-integer-overflow -fsanitize-recover=all -DVB_FUZZ_NO_CHECKSUM=1
UIO_CORE_OBJS := $(patsubst core/%.c,$(UIO_DIR)/core/%.o,$(filter-out core/lib/mem.c,$(CORE_SRCS)))
$(UIO_DIR)/core/%.o: core/%.c $(CORE_HDRS) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -ffreestanding -nostdinc -isystem $(shell $(FUZZ_CC) -print-resource-dir)/include -iquote core \
	    $(UIO_FLAGS) -c $< -o $@
$(UIO_DIR)/libcore.a: $(UIO_CORE_OBJS)
	rm -f $@
	ar rcs $@ $^
# The harnesses and helpers themselves are not instrumented (their hashes
# wrap on purpose); only core/ is.
UIO_HELPER_OBJS := $(patsubst %.c,$(UIO_DIR)/%.o,$(FUZZ_HELPER_SRCS) tests/fuzz/replay_main.c)
$(UIO_DIR)/tests/%.o: tests/%.c $(wildcard tests/unit/*.h tests/fuzz/*.h) $(CORE_HDRS) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -O1 -g -DVB_FUZZ_NO_CHECKSUM=1 -Icore -Itests/unit -Itests/fuzz -c $< -o $@
$(UIO_DIR)/replay_%: $(UIO_DIR)/tests/fuzz/fuzz_%.o $(UIO_HELPER_OBJS) $(UIO_DIR)/libcore.a
	$(FUZZ_CC) $(UIO_FLAGS) $^ -o $@ $(FUZZ_LDLIBS_$*)
.PHONY: fuzz-uio
fuzz-uio: $(patsubst %,$(UIO_DIR)/replay_%,$(FUZZ_NAMES))
	@set -e; for n in $(FUZZ_NAMES); do \
	    UBSAN_OPTIONS=suppressions=tests/fuzz/uio.supp:print_stacktrace=1 \
	        $(UIO_DIR)/replay_$$n tests/fuzz/corpus/$$n $$(ls -d tests/fuzz/regressions/$$n 2>/dev/null) \
	        > $(UIO_DIR)/$$n.log 2>&1; \
	    if grep -q 'runtime error' $(UIO_DIR)/$$n.log; then \
	        grep -A3 'runtime error' $(UIO_DIR)/$$n.log >&2; echo "fuzz-uio: $$n: unsigned wrap" >&2; exit 1; fi; \
	    echo "fuzz-uio $$n: $$(tail -1 $(UIO_DIR)/$$n.log), no unexpected unsigned wrap"; \
	done
