# tests/bench/inflate.mk: the inflate micro-benchmark (our inflate vs zlib
# vs libdeflate on the same grains), run by tests/bench/rows/30-inflate.sh.
BENCH_INFLATE := $(BUILD)/tests/bench/bench_inflate
$(BENCH_INFLATE): tests/bench/bench_inflate.c $(HOST_OBJ)/libcore.a $(BIN_FLAGS_STAMP) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $< $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@ -lz -ldeflate
bench: $(BENCH_INFLATE)

# Old vs new: `make bench-inflate-baseline INFLATE_BASELINE=DIR` builds the
# same bench with a fourth contender, the inflate of another checkout DIR
# (its core/inflate.c + core/adler32.c, or core/inflate/*.c), compiled with
# the flags of this tree and its symbols renamed baseline_*; all decoders
# take turns in one process (BENCH_ROUNDS rounds, default 7, every other
# one in reverse order) on the first BENCH_INFLATE_MIB (512) MiB of
# BENCH_INFLATE_FILE (default: the content `make bench` makes, as 30-inflate.sh
# uses it). Not part of `make bench` or `make test`.
INFLATE_BASELINE ?=
BENCH_INFLATE_FILE ?= $(BENCH_OUT)/usrlib.raw
BENCH_INFLATE_MIB ?= 512
BENCH_BASE_DIR := $(BUILD)/tests/bench/baseline
BENCH_BASE_SRCS = $(if $(wildcard $(INFLATE_BASELINE)/core/inflate/inflate.c), \
    $(wildcard $(INFLATE_BASELINE)/core/inflate/*.c), \
    $(INFLATE_BASELINE)/core/inflate.c $(INFLATE_BASELINE)/core/adler32.c)
BENCH_BASE_SYMS := inflate_decompress inflate_exact inflate_is_zlib_header adler32_update
BENCH_INFLATE_BASE := $(BUILD)/tests/bench/bench_inflate_baseline

.PHONY: bench-inflate-baseline
bench-inflate-baseline: $(HOST_OBJ)/libcore.a | $(BUILD)/.deps-test
	@[ -n "$(INFLATE_BASELINE)" ] && [ -d "$(INFLATE_BASELINE)/core" ] || { \
	    echo "bench-inflate-baseline: set INFLATE_BASELINE to a checkout (e.g. a git worktree of main)" >&2; exit 2; }
	@rm -rf $(BENCH_BASE_DIR) && mkdir -p $(BENCH_BASE_DIR)
	@set -e; for src in $(BENCH_BASE_SRCS); do \
	    obj=$(BENCH_BASE_DIR)/$$(basename $$src .c).o; \
	    echo "$(CC) ... -c $$src"; \
	    $(CC) -iquote $(INFLATE_BASELINE)/core $(CORE_FREESTANDING) $(CORE_WARN) $(HOST_OPT) -c $$src -o $$obj; \
	    objcopy $(foreach s,$(BENCH_BASE_SYMS),--redefine-sym $(s)=baseline_$(s)) $$obj; \
	done
	$(CC) $(HOST_CFLAGS) -DBENCH_BASELINE tests/bench/bench_inflate.c $(BENCH_BASE_DIR)/*.o \
	    $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $(BENCH_INFLATE_BASE) -lz -ldeflate
	@[ -e $(BENCH_INFLATE_FILE) ] || { \
	    echo "bench-inflate-baseline: $(BENCH_INFLATE_FILE) is missing (make bench makes it)" >&2; exit 2; }
	BENCH_ROUNDS=$${BENCH_ROUNDS:-7} $(BENCH_INFLATE_BASE) $(BENCH_INFLATE_FILE) $(BENCH_INFLATE_MIB) 65536 6
