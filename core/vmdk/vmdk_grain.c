/* vmdk_grain.c: hands out the compressed bytes of a streamOptimized grain
 * (vmdk_grain_fetch) so that a caller can inflate many grains at once on
 * other threads; core itself stays single-threaded. The marker is checked
 * here exactly as the read path checks it; the inflated size is the
 * caller's to check against inflated_min/max. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

int vmdk_grain_fetch(vmdk_disk *disk, uint64_t offset, vmdk_grain_data *ret, void *buf,
                     size_t cap) {
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    if (offset >= disk->capacity)
        return vb_fail(&disk->diag, VB_ERANGE,
                       "grain offset %llu is past the capacity (%llu bytes)",
                       (unsigned long long)offset, (unsigned long long)disk->capacity);
    vmdk_piece piece;
    unsigned link;
    int r = vmdk_chain_map(disk, offset, disk->capacity - offset, &piece, &link);
    if (r)
        return r;
    if (piece.kind != VMDK_PIECE_COMPRESSED || piece.in_grain != 0) {
        /* Up to the next place a grain may start: the rest of the piece. */
        vb_memset(ret, 0, sizeof(*ret));
        ret->length = piece.length;
        return VB_ENOTFOUND;
    }
    const vmdk_sparse_info *sp = &disk->extents[piece.extent].sparse;
    uint64_t want = vmdk_gd_grain_bytes(sp, piece.grain);
    if (piece.length > want)
        return vb_fail(&disk->diag, VB_EINVAL, "grain read outside the grain");
    uint32_t size = 0;
    r = vmdk_stream_copy_grain(disk, piece.extent, piece.grain, piece.gte, buf, cap, &size);
    if (r)
        return r;
    ret->length = piece.length;
    ret->inflated_min = want;
    ret->inflated_max = sp->grain_sectors * VMDK_SECTOR;
    ret->compressed_size = size;
    return 0;
}
