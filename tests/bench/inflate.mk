# tests/bench/inflate.mk: the inflate micro-benchmark (our inflate vs zlib
# vs libdeflate on the same grains), run by tests/bench/rows/30-inflate.sh.
BENCH_INFLATE := $(BUILD)/tests/bench/bench_inflate
$(BENCH_INFLATE): tests/bench/bench_inflate.c $(HOST_OBJ)/libcore.a $(BIN_FLAGS_STAMP) | $(BUILD)/.deps-test
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $< $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@ -lz -ldeflate
bench: $(BENCH_INFLATE)
