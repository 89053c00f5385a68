# tests/unit/ext4.mk: test_ext4 reads real ext2/3/4 images that
# mkimages-ext4.sh builds with mke2fs -d and debugfs (BUILD/tests/images/ext4).
EXT4_IMAGES := $(BUILD)/tests/images/ext4
$(EXT4_IMAGES)/.stamp: tests/unit/mkimages-ext4.sh | $(BUILD)/.deps-test
	nice tests/unit/mkimages-ext4.sh $(EXT4_IMAGES)
	@touch $@

# The test finds the images here (run from the top of the tree).
TEST_BUILD += $(EXT4_IMAGES)/.stamp
unit-tests: $(EXT4_IMAGES)/.stamp
export VB_EXT4_IMAGES := $(EXT4_IMAGES)

# tests/diff/ext4.sh (vmdk ls/get over ext2/3/4) reads the same images.
diff-tests: $(EXT4_IMAGES)/.stamp
