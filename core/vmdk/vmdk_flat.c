/* vmdk_flat.c: flat-type extents (FLAT, VMFS, VMFSRDM, VMFSRAW): virtual
 * sector x of the extent is byte (OFFSET + x) * 512 of the named file. The
 * only thing to trust-check is that the whole range lies in the file. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

int vmdk_flat_open(vmdk_disk *disk, unsigned extent_index) {
    vmdk_extent *ext = &disk->extents[extent_index];
    uint64_t first, end;
    if (vb_add_overflow_u64(ext->flat_offset, ext->sectors, &end) ||
        vb_mul_overflow_u64(end, VMDK_SECTOR, &end) ||
        vb_mul_overflow_u64(ext->flat_offset, VMDK_SECTOR, &first))
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: flat extent offset %llu + size %llu sectors overflows",
                       vmdk_extent_label(ext), (unsigned long long)ext->flat_offset,
                       (unsigned long long)ext->sectors);
    if (end > ext->src.size)
        return vb_fail(&disk->diag, VB_ETRUNCATED,
                       "%s: flat extent needs bytes %llu..%llu but the file has %llu bytes",
                       vmdk_extent_label(ext), (unsigned long long)first, (unsigned long long)end,
                       (unsigned long long)ext->src.size);
    return 0;
}
