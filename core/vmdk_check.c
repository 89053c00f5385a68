/* vmdk_check.c: full metadata validation (work in progress). */
#include "vmdk_internal.h"
#include "util.h"

int vmdk_check(vmdk_disk *disk, vmdk_report_fn report, void *ctx) {
    (void)report;
    (void)ctx;
    return vb_fail(&disk->diag, VB_EUNSUPPORTED, "vmdk_check: not implemented yet");
}
