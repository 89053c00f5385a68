# tests/unit/discover.mk: test_discover reads the disks mkimages-discover.sh
# builds (BUILD/tests/images/discover) with sgdisk, sfdisk, mkfs.fat, mtools
# and mke2fs.
DISCOVER_IMAGES := $(BUILD)/tests/images/discover
$(DISCOVER_IMAGES)/.stamp: tests/unit/mkimages-discover.sh | $(BUILD)/.deps-test
	tests/unit/mkimages-discover.sh $(DISCOVER_IMAGES)
	@touch $@
TEST_BUILD += $(DISCOVER_IMAGES)/.stamp
unit-tests: $(DISCOVER_IMAGES)/.stamp
export VB_DISCOVER_IMAGES := $(DISCOVER_IMAGES)
