/* vmdk_read_failed.c: the one detail for a platform read that failed,
 * shared by every VMDK file that reads an extent or descriptor file. A leaf:
 * it calls nothing of core/vmdk, so no caller depends on the read path. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

int vmdk_read_failed(vb_diag *diag, const char *file, int err, uint64_t offset, uint64_t len) {
    return vb_fail_read(diag, err, file, offset, len);
}
