# tests/unit/partfs.mk: the CRC-32, partition, FAT and configuration unit
# tests. test_part and test_fat read real images that mkimages-partfs.sh
# builds with sgdisk, sfdisk, mkfs.fat and mtools (BUILD/tests/images/partfs).
UNIT_LDLIBS_test_crc32 := -lz

PARTFS_IMAGES := $(BUILD)/tests/images/partfs
$(PARTFS_IMAGES)/.stamp: tests/unit/mkimages-partfs.sh | $(BUILD)/.deps-test
	tests/unit/mkimages-partfs.sh $(PARTFS_IMAGES)
	@touch $@

$(BUILD)/tests/unit/test_part $(BUILD)/tests/unit/test_fat: tests/unit/partfs_test.h

# The tests find the images here (run from the top of the tree).
TEST_BUILD += $(PARTFS_IMAGES)/.stamp
unit-tests: $(PARTFS_IMAGES)/.stamp
export VB_PARTFS_IMAGES := $(PARTFS_IMAGES)
