# tests/unit/partfs.mk: extra link flags for the CRC-32, partition, FAT and
# configuration unit tests.
UNIT_LDLIBS_test_crc32 := -lz
