# tests/unit/inflate.mk: extra libraries of the inflate and streamOptimized
# unit tests (zlib: the differential oracle, and the stream image writer).
UNIT_LDLIBS_test_inflate := -lz
UNIT_LDLIBS_test_vmdk_stream := -lz
UNIT_LDLIBS_test_vmdk_stream_write := -lz
