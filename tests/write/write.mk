# tests/write: the writer against others' tools (write-tests: qemu-img,
# qemu-io, a SIGKILLed writer); its unit test is tests/unit/test_vmdk_write.c.
UNIT_LDLIBS_test_vmdk_write := -lz
