# tests/unit/inflate.mk: the inflate unit test compares against zlib.
UNIT_LDLIBS_test_inflate := -lz
