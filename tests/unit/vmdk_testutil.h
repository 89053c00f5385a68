/* vmdk_testutil.h: small helpers shared by the test_vmdk_*.c unit tests:
 * opening a disk whose files live in a memdir, and comparing reads. */
#ifndef VB_TEST_VMDK_TESTUTIL_H
#define VB_TEST_VMDK_TESTUTIL_H

#include "memdir.h"
#include "vmdk/vmdk.h"

/* A disk opened from memdir files; the top source is kept alongside. */
typedef struct test_disk {
    vmdk_disk *disk; /* static storage owned by vmdk_testutil.c */
    vb_source top;
    vb_opener opener;
    memdir *dir;
} test_disk;

/* Opens name from dir (VB_ENOTFOUND if missing). Always pair with
 * td_close, also after a failed open. */
int td_open(test_disk *td, memdir *dir, const char *name, const vmdk_open_options *options);
void td_close(test_disk *td);

/* Reads [off, off + len) and compares with want; returns true if equal
 * (prints the first difference otherwise). */
bool td_read_equals(test_disk *td, uint64_t off, const uint8_t *want, size_t len);

/* Builds a descriptor text in a static buffer from printf arguments. */
const char *td_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
