/* vmdk_write_failed.c: the one detail for a platform write or flush that
 * failed, shared by the writer's files. A leaf: it calls nothing of
 * core/vmdk. */
#include "vmdk/vmdk_write_internal.h"
#include "lib/util.h"

int vmdk_write_failed(vb_diag *diag, const char *file, int err, uint64_t offset, uint64_t len) {
    if (len == 0)
        return vb_fail(diag, err, "%s: flush failed: %s", file, vb_err_message(err));
    return vb_fail(diag, err, "%s: write of %llu bytes at offset %llu failed: %s", file,
                   (unsigned long long)len, (unsigned long long)offset, vb_err_message(err));
}
