# tests/write: the writer against others' tools (write-tests: qemu-img,
# qemu-io, a SIGKILLed writer); its unit test is tests/unit/test_vmdk_write.c.
UNIT_LDLIBS_test_vmdk_write := -lz

WRITE_KILLWRITER := $(BUILD)/tests/write/killwriter
$(WRITE_KILLWRITER): tests/write/killwriter.c $(HOST_OBJ)/libcore.a $(PLATFORM_HOST_OBJS) $(BIN_FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $< $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(HOST_LDFLAGS) -o $@

# The writer against qemu-img and qemu-io (random workloads into every
# writable kind, a delta, CID, refusals) and ~200 SIGKILLs of a writer, in
# WRITE_KILL_CHAINS chains side by side (one per core), each on its own
# image with its own seeds (chain c: seeds c*1000+1...).
WRITE_KILLS ?= 200
WRITE_KILL_CHAINS ?= 2
.PHONY: write-tests
TEST_BUILD += $(WRITE_KILLWRITER) $(BUILD)/tests/diff/mkcowd
write-tests: $(BUILD)/vmdk $(WRITE_KILLWRITER) $(BUILD)/tests/diff/mkcowd | $(BUILD)/.deps-test
	python3 tests/write/workload.py $(BUILD)/vmdk $(BUILD)/tests/write/work
	tests/write/refusals.sh $(BUILD)/vmdk $(BUILD)/tests/write/refuse $(BUILD)/tests/diff/mkcowd
	@set -e; n=$(WRITE_KILL_CHAINS); pids=""; \
	for c in $$(seq 1 $$n); do \
	    echo "tests/write/kill.sh $(BUILD)/vmdk $(WRITE_KILLWRITER) $(BUILD)/tests/write/kill$$c $$(($(WRITE_KILLS) / n)) (chain $$c)"; \
	    KILL_SEED_BASE=$$((c * 1000)) KILL_RANDOM=$$((4241 + c)) tests/write/kill.sh $(BUILD)/vmdk $(WRITE_KILLWRITER) \
	        $(BUILD)/tests/write/kill$$c $$(($(WRITE_KILLS) / n)) > $(BUILD)/tests/write/kill$$c.log 2>&1 & pids="$$pids $$!"; \
	done; rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	for c in $$(seq 1 $$n); do cat $(BUILD)/tests/write/kill$$c.log; done; exit $$rc

TEST_STEPS += write-tests
# fuzz_write (tests/fuzz): 6 bytes per operation, 32 operations at most.
FUZZ_OPTS_write := -max_len=200
