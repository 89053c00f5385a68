/* vmdk_cowd.c: the ESXi sparse extent header ("COWD", vmfsSparse redo
 * logs; vmdk-format.md section 5). Lookup is shared with KDMV
 * (vmdk_gd.c): grain tables of 4096 entries, no redundant directory,
 * no zeroed-grain entries, grain sizes of any number of sectors >= 1.
 *
 * Trusts nothing: sizes are checked against the limits and the directory
 * against the file size. The parent file name and geometry stored in the
 * header are informational and not used (delta links come from
 * descriptors). */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* Offsets of the COWD header fields. */
enum {
    COWD_MAGIC_OFF = 0,
    COWD_VERSION = 4,
    COWD_FLAGS = 8,
    COWD_SECTORS = 12,
    COWD_GRAIN = 16,
    COWD_GD = 20,
    COWD_GD_ENTRIES = 24,
    COWD_FREE_SECTOR = 28,
    COWD_UNCLEAN = 1648,
};

int vmdk_cowd_parse_header(const uint8_t h[VMDK_COWD_HEADER_SIZE], uint64_t file_size,
                           vmdk_sparse_info *info, const char *name, vb_diag *diag) {
    vb_memset(info, 0, sizeof(*info));
    if (vb_le32(h + COWD_MAGIC_OFF) != VMDK_COWD_MAGIC)
        return vb_fail(diag, VB_EFORMAT, "%s: no COWD sparse header magic", name);
    info->format = VMDK_SPARSE_COWD;
    info->version = vb_le32(h + COWD_VERSION);
    info->flags = vb_le32(h + COWD_FLAGS);
    info->capacity = vb_le32(h + COWD_SECTORS);
    info->grain_sectors = vb_le32(h + COWD_GRAIN);
    info->gtes_per_gt = VMDK_COWD_GTES;
    info->gd_offset = vb_le32(h + COWD_GD);
    info->overhead = vb_le32(h + COWD_FREE_SECTOR);
    info->unclean_shutdown = vb_le32(h + COWD_UNCLEAN) != 0;
    uint32_t stored_entries = vb_le32(h + COWD_GD_ENTRIES);

    if (info->grain_sectors == 0)
        return vb_fail(diag, VB_ECORRUPT, "%s: COWD grain size is 0 sectors", name);
    if (info->grain_sectors > VB_GRAIN_BYTES_MAX / VMDK_SECTOR)
        return vb_fail(diag, VB_EUNSUPPORTED,
                       "%s: COWD grain size %llu sectors exceeds VB_GRAIN_BYTES_MAX (%u bytes)",
                       name, (unsigned long long)info->grain_sectors, (unsigned)VB_GRAIN_BYTES_MAX);
    uint64_t coverage = (uint64_t)VMDK_COWD_GTES * info->grain_sectors;
    uint64_t needed = info->capacity / coverage + (info->capacity % coverage != 0);
    if (stored_entries < needed)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: COWD grain directory has %u entries, capacity %llu sectors needs %llu",
                       name, stored_entries, (unsigned long long)info->capacity,
                       (unsigned long long)needed);
    info->gd_entries = needed; /* extra entries cover nothing and are ignored */
    if (needed) {
        uint64_t start = info->gd_offset * VMDK_SECTOR;
        if (info->gd_offset < VMDK_COWD_HEADER_SIZE / VMDK_SECTOR ||
            !vb_range_ok(start, needed * 4, file_size))
            return vb_fail(diag, VB_ECORRUPT,
                           "%s: COWD grain directory (%llu entries at sector %llu) does not fit "
                           "in the file (%llu bytes)",
                           name, (unsigned long long)needed, (unsigned long long)info->gd_offset,
                           (unsigned long long)file_size);
    }
    info->active_gd_offset = info->gd_offset;
    return 0;
}
