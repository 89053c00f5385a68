# tests/create: `make create-tests`: vmdk create and vmdk convert against
# qemu-img (check, info, compare, create's own layout), qemu-io and libvmdk
# (run.sh). Scratch images live under build/tests/create.
CREATE_OUT := $(BUILD)/tests/create

.PHONY: create-tests
TEST_BUILD += $(BUILD)/tests/diff/libvmdk_cat $(BUILD)/tests/diff/streamcmp
create-tests: $(BUILD)/vmdk $(BUILD)/tests/diff/libvmdk_cat $(BUILD)/tests/diff/streamcmp | $(BUILD)/.deps-test
	VMDK=$(abspath $(BUILD)/vmdk) LIBVMDK_CAT=$(abspath $(BUILD)/tests/diff/libvmdk_cat) \
	    STREAMCMP=$(abspath $(BUILD)/tests/diff/streamcmp) OUT=$(abspath $(CREATE_OUT)) \
	    nice tests/create/run.sh
TEST_STEPS += create-tests
