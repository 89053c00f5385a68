# tests/bench: `make bench` (never part of `make test`). Row groups live in
# tests/bench/rows/*.sh; add a file there to add rows (see tests/bench/lib.sh).
# Extra prerequisites: add `bench: your-target` in your own fragment.
BENCH_OUT := $(BUILD)/bench
BENCH_LIBVMDK_CAT := $(BUILD)/tests/diff/libvmdk_cat # built by tests/diff/diff.mk
bench: $(BUILD)/vmdk $(BENCH_LIBVMDK_CAT) | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) LIBVMDK_CAT=$(abspath $(BENCH_LIBVMDK_CAT)) \
	    BENCH_OUT=$(abspath $(BENCH_OUT)) tests/bench/bench.sh
