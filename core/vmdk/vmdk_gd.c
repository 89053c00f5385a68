/* vmdk_gd.c: the grain directory / grain table engine of sparse extents
 * (hosted KDMV, COWD, and streamOptimized with a usable directory): the
 * directory scan at open with the fallback to the redundant directory,
 * directory entries and grain-table blocks through the table cache (with
 * read-ahead and the redundant-table fallback), grain-table entry checks,
 * and the mapping of an offset to a piece. Calls none of the format files.
 *
 * Trusts nothing in the file: every grain-directory entry of the directory
 * in use is checked at open, and every grain-table block is checked when
 * it is loaded into the cache, so the read path only follows checked
 * offsets. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* True when count 32-bit entries at sector `sector` fit in the file, past
 * the first header_sectors sectors. */
bool vmdk_gd_table_fits(uint64_t sector, uint64_t count, uint64_t header_sectors,
                        uint64_t file_size) {
    uint64_t start, bytes;
    if (sector < header_sectors || vb_mul_overflow_u64(sector, VMDK_SECTOR, &start))
        return false;
    bytes = count * 4; /* count <= 2^55: no overflow */
    return vb_range_ok(start, bytes, file_size);
}

uint64_t vmdk_gd_grain_bytes(const vmdk_sparse_info *sp, uint64_t grain) {
    uint64_t first = grain * sp->grain_sectors;
    if (first >= sp->capacity)
        return 0;
    return VB_MIN(sp->grain_sectors, sp->capacity - first) * VMDK_SECTOR;
}

static uint64_t header_sectors(const vmdk_sparse_info *sp) {
    return sp->format == VMDK_SPARSE_COWD ? VMDK_COWD_HEADER_SIZE / VMDK_SECTOR : 1;
}

bool vmdk_gd_table_in_file(const vmdk_extent *ext, uint32_t sector) {
    const vmdk_sparse_info *sp = &ext->sparse;
    return vmdk_gd_table_fits(sector, sp->gtes_per_gt, header_sectors(sp), ext->src.size);
}

int vmdk_gd_check_gte(const vmdk_extent *ext, uint64_t gd_index, uint64_t gt_index, uint32_t gte,
                      vb_diag *diag) {
    const vmdk_sparse_info *sp = &ext->sparse;
    if (gte == 0 || vmdk_gte_is_zero(sp, gte))
        return 0;
    const char *name = vmdk_extent_label(ext);
    if (gte < header_sectors(sp))
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain table %llu entry %llu points into the header: sector %u", name,
                       (unsigned long long)gd_index, (unsigned long long)gt_index, gte);
    if (sp->descriptor_offset && gte >= sp->descriptor_offset &&
        gte - sp->descriptor_offset < sp->descriptor_size)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain table %llu entry %llu points into the embedded descriptor: "
                       "sector %u",
                       name, (unsigned long long)gd_index, (unsigned long long)gt_index, gte);
    uint64_t grain = gd_index * sp->gtes_per_gt + gt_index;
    /* A compressed grain starts with its 12-byte marker prefix; its length
     * is only known from the marker itself. */
    uint64_t bytes = sp->compressed ? 12 : vmdk_gd_grain_bytes(sp, grain);
    uint64_t end_sector = (uint64_t)gte + (bytes + VMDK_SECTOR - 1) / VMDK_SECTOR;
    if (!vb_range_ok((uint64_t)gte * VMDK_SECTOR, bytes, ext->src.size))
        return vb_fail(
            diag, VB_ECORRUPT,
            "%s: grain table %llu entry %llu points past end of file: sector %llu > %llu", name,
            (unsigned long long)gd_index, (unsigned long long)gt_index,
            (unsigned long long)end_sector, (unsigned long long)(ext->src.size / VMDK_SECTOR));
    return 0;
}

/* Checks every entry of the grain directory at gd_offset: each non-zero
 * entry must name a whole grain table inside the file, past the header. */
static int scan_gd(vmdk_disk *disk, vmdk_extent *ext, uint64_t gd_offset, const char *which,
                   vb_diag *diag) {
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    const uint64_t per_read = sizeof(disk->scratch) / 4;
    uint64_t file_sectors = ext->src.size / VMDK_SECTOR;
    for (uint64_t first = 0; first < sp->gd_entries; first += per_read) {
        uint64_t n = VB_MIN(per_read, sp->gd_entries - first);
        uint64_t at = gd_offset * VMDK_SECTOR + first * 4;
        int r = vb_source_read(&ext->src, at, disk->scratch, (size_t)(n * 4));
        if (r)
            return vb_fail_read(diag, r, name, at, n * 4);
        for (uint64_t i = 0; i < n; i++) {
            uint32_t gde = vb_le32(disk->scratch + i * 4);
            if (gde == 0)
                continue;
            if (!vmdk_gd_table_in_file(ext, gde)) {
                uint64_t end = (uint64_t)gde + ((uint64_t)sp->gtes_per_gt * 4 + 511) / 512;
                if (gde < header_sectors(sp))
                    return vb_fail(diag, VB_ECORRUPT,
                                   "%s: %s entry %llu points into the header: sector %u", name,
                                   which, (unsigned long long)(first + i), gde);
                return vb_fail(diag, VB_ECORRUPT,
                               "%s: %s entry %llu points past end of file: sector %llu > %llu",
                               name, which, (unsigned long long)(first + i),
                               (unsigned long long)end, (unsigned long long)file_sectors);
            }
        }
    }
    return 0;
}

int vmdk_gd_use(vmdk_disk *disk, unsigned extent_index) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    /* The grain directory in use: the primary, or the redundant one when
     * the primary cannot be read or points outside the file. The primary's
     * failure is the detail when neither can be used. */
    int r = scan_gd(disk, ext, sp->gd_offset, "grain directory", &disk->diag);
    if (r == 0)
        return 0;
    if (!sp->rgd_usable)
        return r;
    vb_diag redundant;
    if (scan_gd(disk, ext, sp->rgd_offset, "redundant grain directory", &redundant) != 0)
        return r;
    vb_diag_clear(&disk->diag);
    sp->using_rgd = true;
    sp->active_gd_offset = sp->rgd_offset;
    return 0;
}

/* Reads count entries at byte offset `at` into entries[] (host order). */
static int read_entries(const vmdk_extent *ext, uint64_t at, uint32_t count, uint32_t *entries,
                        vb_diag *diag) {
    int r = vb_source_read(&ext->src, at, entries, (size_t)count * 4);
    if (r)
        return vb_fail_read(diag, r, vmdk_extent_label(ext), at, (uint64_t)count * 4);
    for (uint32_t i = 0; i < count; i++)
        entries[i] = vb_le32(&entries[i]);
    return 0;
}

int vmdk_gd_entry(vmdk_disk *disk, unsigned extent_index, uint64_t gd_offset, uint64_t gd_index,
                  uint32_t *ret_gde, vb_diag *diag) {
    vmdk_extent *ext = &disk->extents[extent_index];
    uint64_t block = gd_index / VB_GT_BLOCK_ENTRIES;
    uint64_t at = gd_offset * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4;
    vmdk_table_block *b = vmdk_cache_find(&disk->cache, extent_index, VMDK_BLOCK_GD, at);
    if (!b) {
        uint32_t count = (uint32_t)VB_MIN((uint64_t)VB_GT_BLOCK_ENTRIES,
                                          ext->sparse.gd_entries - block * VB_GT_BLOCK_ENTRIES);
        b = vmdk_cache_claim(&disk->cache, extent_index, VMDK_BLOCK_GD, at);
        int r = read_entries(ext, at, count, b->entries, diag);
        if (r) {
            vmdk_cache_drop(b);
            return r;
        }
    }
    *ret_gde = b->entries[gd_index % VB_GT_BLOCK_ENTRIES];
    return 0;
}

/* Reads and checks block `block` of the grain table at sector gte_table. */
static int load_gt_block(const vmdk_extent *ext, uint32_t gt_sector, uint64_t gd_index,
                         uint64_t block, uint32_t count, uint32_t *entries, vb_diag *diag) {
    uint64_t at = (uint64_t)gt_sector * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4;
    int r = read_entries(ext, at, count, entries, diag);
    for (uint32_t i = 0; r == 0 && i < count; i++)
        r = vmdk_gd_check_gte(ext, gd_index, block * VB_GT_BLOCK_ENTRIES + i, entries[i], diag);
    return r;
}

/* Most table blocks read ahead in one platform read (vb_config.h). */
#define PREFETCH_BLOCKS VB_GT_PREFETCH_BLOCKS

typedef struct planned_block {
    uint64_t gd_index, block;
    uint32_t gde, count;
    uint64_t at; /* byte offset in the file */
} planned_block;

/* On a miss, reads the missing block together with the blocks that follow
 * it in the file in lookup order (the rest of a COWD table, then the next
 * tables of the directory when they are stored back to back, as common
 * writers do) with one platform read, checks them and installs them in the
 * cache. Returns the missing block, or NULL when it could not be served
 * this way (the caller then loads it alone, with the redundant-copy
 * fallback). Uses the scratch buffer only for the duration of the call. */
static vmdk_table_block *prefetch(vmdk_disk *disk, unsigned extent_index, uint32_t gde,
                                  uint64_t gd_index, uint64_t block) {
    vmdk_extent *ext = &disk->extents[extent_index];
    const vmdk_sparse_info *sp = &ext->sparse;
    const uint64_t blocks_per_gt =
        (sp->gtes_per_gt + VB_GT_BLOCK_ENTRIES - 1) / VB_GT_BLOCK_ENTRIES;
    planned_block plan[PREFETCH_BLOCKS];
    unsigned n = 0;
    uint64_t start = (uint64_t)gde * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4, end = start;
    vb_diag probe; /* read-ahead is optional: its failures are not the disk's */
    VB_STATIC_ASSERT(PREFETCH_BLOCKS * (VB_GT_BLOCK_ENTRIES * 4 + VMDK_SECTOR) <=
                         VB_VMDK_SCRATCH_BYTES,
                     "prefetch must fit the scratch buffer");
    while (n < PREFETCH_BLOCKS) {
        planned_block p;
        if (n == 0) {
            p = (planned_block){gd_index, block, gde, 0, start};
        } else if (plan[n - 1].block + 1 < blocks_per_gt) {
            p = plan[n - 1];
            p.block++;
            p.at = (uint64_t)p.gde * VMDK_SECTOR + p.block * VB_GT_BLOCK_ENTRIES * 4;
        } else {
            uint32_t next;
            p.gd_index = plan[n - 1].gd_index + 1;
            if (p.gd_index >= sp->gd_entries ||
                vmdk_gd_entry(disk, extent_index, sp->active_gd_offset, p.gd_index, &next,
                              &probe) != 0 ||
                next == 0 || !vmdk_gd_table_in_file(ext, next))
                break;
            p.gde = next;
            p.block = 0;
            p.at = (uint64_t)next * VMDK_SECTOR;
            /* Only tables stored right after the previous one (padding to
             * the next sector allowed). */
            if (p.at < end || p.at - end >= VMDK_SECTOR)
                break;
        }
        p.count = (uint32_t)VB_MIN((uint64_t)VB_GT_BLOCK_ENTRIES,
                                   sp->gtes_per_gt - p.block * VB_GT_BLOCK_ENTRIES);
        if (n > 0 && vmdk_cache_contains(&disk->cache, extent_index, VMDK_BLOCK_GT, p.at))
            break;
        plan[n++] = p;
        end = p.at + (uint64_t)p.count * 4;
    }
    if (vb_source_read(&ext->src, start, disk->scratch, (size_t)(end - start)) != 0)
        return NULL;
    /* Install the read-ahead blocks first, the missing one last (most
     * recently used). A block that fails its checks is not installed: it
     * will be loaded alone, with the fallback, if it is ever needed. */
    vmdk_table_block *target = NULL;
    for (unsigned k = n; k-- > 0;) {
        const planned_block *p = &plan[(k + 1) % n];
        const uint8_t *src = disk->scratch + (p->at - start);
        bool ok = true;
        for (uint32_t i = 0; ok && i < p->count; i++)
            ok = vmdk_gd_check_gte(ext, p->gd_index, p->block * VB_GT_BLOCK_ENTRIES + i,
                                   vb_le32(src + i * 4), &probe) == 0;
        if (!ok)
            continue;
        vmdk_table_block *b = vmdk_cache_claim(&disk->cache, extent_index, VMDK_BLOCK_GT, p->at);
        for (uint32_t i = 0; i < p->count; i++)
            b->entries[i] = vb_le32(src + i * 4);
        if (p == &plan[0])
            target = b;
    }
    return target;
}

/* The cached, checked block of grain table gd_index holding entry gt_index. */
static int gt_block(vmdk_disk *disk, unsigned extent_index, uint32_t gde, uint64_t gd_index,
                    uint64_t gt_index, vmdk_table_block **ret_block, uint32_t *ret_count) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    uint64_t block = gt_index / VB_GT_BLOCK_ENTRIES;
    uint32_t count = (uint32_t)VB_MIN((uint64_t)VB_GT_BLOCK_ENTRIES,
                                      sp->gtes_per_gt - block * VB_GT_BLOCK_ENTRIES);
    uint64_t at = (uint64_t)gde * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4;
    *ret_count = count;
    *ret_block = vmdk_cache_find(&disk->cache, extent_index, VMDK_BLOCK_GT, at);
    if (*ret_block)
        return 0;
    *ret_block = prefetch(disk, extent_index, gde, gd_index, block);
    if (*ret_block)
        return 0;
    vmdk_table_block *b = vmdk_cache_claim(&disk->cache, extent_index, VMDK_BLOCK_GT, at);
    int r = load_gt_block(ext, gde, gd_index, block, count, b->entries, &disk->diag);
    if (r && sp->rgd_usable && !sp->using_rgd) {
        /* Try the redundant copy of this table; if it fails too, the
         * primary's failure stays the detail. */
        vb_diag redundant;
        uint32_t rgde = 0;
        int r2 = vmdk_gd_entry(disk, extent_index, sp->rgd_offset, gd_index, &rgde, &redundant);
        if (r2 == 0 && rgde != 0 && vmdk_gd_table_in_file(ext, rgde))
            r2 = load_gt_block(ext, rgde, gd_index, block, count, b->entries, &redundant);
        else if (r2 == 0)
            r2 = VB_ECORRUPT;
        if (r2 == 0) {
            vb_diag_clear(&disk->diag);
            r = 0;
        }
    }
    if (r) {
        vmdk_cache_drop(b);
        return r;
    }
    *ret_block = b;
    return 0;
}

int vmdk_gd_map(vmdk_disk *disk, unsigned extent_index, uint64_t off, uint64_t max_len,
                vmdk_piece *ret_piece) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    const uint64_t grain_bytes = sp->grain_sectors * VMDK_SECTOR;
    uint64_t grain = off / grain_bytes;
    uint64_t in_grain = off % grain_bytes;
    uint64_t gd_index = grain / sp->gtes_per_gt;
    uint64_t gt_index = grain % sp->gtes_per_gt;
    uint64_t limit = VB_MIN(max_len, sp->capacity * VMDK_SECTOR - off);
    uint32_t gde;
    vb_memset(ret_piece, 0, sizeof(*ret_piece));
    ret_piece->extent = extent_index;
    int r = vmdk_gd_entry(disk, extent_index, sp->active_gd_offset, gd_index, &gde, &disk->diag);
    if (r)
        return r;
    if (gde == 0) {
        /* No grain table: a hole up to the end of the table's coverage. */
        uint64_t rest = (sp->gtes_per_gt - gt_index) * grain_bytes - in_grain;
        ret_piece->kind = VMDK_PIECE_HOLE;
        ret_piece->length = VB_MIN(limit, rest);
        return 0;
    }
    vmdk_table_block *b;
    uint32_t count;
    r = gt_block(disk, extent_index, gde, gd_index, gt_index, &b, &count);
    if (r)
        return r;
    uint32_t e = (uint32_t)(gt_index % VB_GT_BLOCK_ENTRIES);
    uint32_t gte = b->entries[e];
    uint64_t length = grain_bytes - in_grain;
    if (gte == 0 || vmdk_gte_is_zero(sp, gte)) {
        ret_piece->kind = gte == 0 ? VMDK_PIECE_HOLE : VMDK_PIECE_ZERO;
        while (length < limit && ++e < count && b->entries[e] == gte)
            length += grain_bytes;
    } else if (sp->compressed) {
        ret_piece->kind = VMDK_PIECE_COMPRESSED;
        ret_piece->grain = grain;
        ret_piece->gte = gte;
        ret_piece->in_grain = in_grain;
    } else {
        /* Consecutive grains stored back to back form one piece. */
        ret_piece->kind = VMDK_PIECE_DATA;
        ret_piece->file_offset = (uint64_t)gte * VMDK_SECTOR + in_grain;
        uint32_t prev = gte;
        while (length < limit && ++e < count && b->entries[e] > 1 &&
               b->entries[e] == prev + sp->grain_sectors) {
            prev = b->entries[e];
            length += grain_bytes;
        }
    }
    ret_piece->length = VB_MIN(length, limit);
    return 0;
}