/* vmdk_sparse.c: sparse extents: the hosted "KDMV" header (versions 1-3),
 * grain directory / grain table lookup shared with COWD (vmdk_cowd.c), the
 * redundant-directory fallback. Compressed (streamOptimized) extents are
 * finished by vmdk_stream.c, which also reads their grains.
 *
 * Trusts nothing in the file: every header field is range-checked against
 * the file size at open, every grain-directory entry of the directory in
 * use is checked at open, and every grain-table block is checked when it is
 * loaded into the cache, so the read path only follows checked offsets. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

#define KDMV_MAGIC 0x564d444bu /* "KDMV" read as LE u32 */
#define COWD_MAGIC 0x44574f43u /* "COWD" */
#define GD_AT_END  0xffffffffffffffffull

/* Offsets of the KDMV header fields (vmdk-format.md section 3). */
enum {
    KDMV_MAGIC_OFF = 0,
    KDMV_VERSION = 4,
    KDMV_FLAGS = 8,
    KDMV_CAPACITY = 12,
    KDMV_GRAIN = 20,
    KDMV_DESC_OFFSET = 28,
    KDMV_DESC_SIZE = 36,
    KDMV_GTES = 44,
    KDMV_RGD = 48,
    KDMV_GD = 56,
    KDMV_OVERHEAD = 64,
    KDMV_UNCLEAN = 72,
    KDMV_NEWLINE = 73,
    KDMV_COMPRESS = 77,
    KDMV_HEADER_SIZE = 512,
};

/* True when count 32-bit entries at sector `sector` fit in the file, past
 * the first header_sectors sectors. */
static bool table_fits(uint64_t sector, uint64_t count, uint64_t header_sectors,
                       uint64_t file_size) {
    uint64_t start, bytes;
    if (sector < header_sectors || vb_mul_overflow_u64(sector, VMDK_SECTOR, &start))
        return false;
    bytes = count * 4; /* count <= 2^55: no overflow */
    return vb_range_ok(start, bytes, file_size);
}

int vmdk_sparse_parse_header(const uint8_t h[512], uint64_t file_size, vmdk_sparse_info *info,
                             const char *name, vb_diag *diag) {
    vb_memset(info, 0, sizeof(*info));
    if (vb_le32(h + KDMV_MAGIC_OFF) != KDMV_MAGIC)
        return vb_fail(diag, VB_EFORMAT, "%s: no KDMV sparse header magic", name);
    info->format = VMDK_SPARSE_KDMV;
    info->version = vb_le32(h + KDMV_VERSION);
    info->flags = vb_le32(h + KDMV_FLAGS);
    info->capacity = vb_le64(h + KDMV_CAPACITY);
    info->grain_sectors = vb_le64(h + KDMV_GRAIN);
    info->descriptor_offset = vb_le64(h + KDMV_DESC_OFFSET);
    info->descriptor_size = vb_le64(h + KDMV_DESC_SIZE);
    info->gtes_per_gt = vb_le32(h + KDMV_GTES);
    info->rgd_offset = vb_le64(h + KDMV_RGD);
    info->gd_offset = vb_le64(h + KDMV_GD);
    info->overhead = vb_le64(h + KDMV_OVERHEAD);
    info->unclean_shutdown = h[KDMV_UNCLEAN];
    info->compress_algorithm = vb_le16(h + KDMV_COMPRESS);
    info->compressed = (info->flags & VMDK_FLAG_COMPRESSED) != 0;
    info->markers = (info->flags & VMDK_FLAG_MARKERS) != 0;
    info->zeroed_gte = (info->flags & VMDK_FLAG_ZEROED_GTE) != 0;

    if (info->version < 1 || info->version > 3)
        return vb_fail(diag, VB_EUNSUPPORTED, "%s: sparse header version %u not supported (1-3)",
                       name, info->version);
    uint32_t unknown = info->flags & VMDK_FLAGS_INCOMPATIBLE_MASK & ~VMDK_FLAGS_KNOWN;
    if (unknown)
        return vb_fail(diag, VB_EUNSUPPORTED,
                       "%s: sparse header has unknown incompatible flags 0x%08x", name, unknown);
    if ((info->flags & VMDK_FLAG_NEWLINE_CHECK) && vb_memcmp(h + KDMV_NEWLINE, "\n \r\n", 4) != 0)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: newline check bytes are %02x %02x %02x %02x, not 0a 20 0d 0a: the file "
                       "went through a text-mode transfer",
                       name, h[KDMV_NEWLINE], h[KDMV_NEWLINE + 1], h[KDMV_NEWLINE + 2],
                       h[KDMV_NEWLINE + 3]);
    if (info->capacity > UINT64_MAX / VMDK_SECTOR)
        return vb_fail(diag, VB_ECORRUPT, "%s: capacity %llu sectors overflows a byte count", name,
                       (unsigned long long)info->capacity);
    if (!vb_is_pow2_u64(info->grain_sectors))
        return vb_fail(diag, VB_ECORRUPT, "%s: grain size %llu sectors is not a power of two", name,
                       (unsigned long long)info->grain_sectors);
    if (info->grain_sectors > VB_GRAIN_BYTES_MAX / VMDK_SECTOR)
        return vb_fail(diag, VB_EUNSUPPORTED,
                       "%s: grain size %llu sectors exceeds VB_GRAIN_BYTES_MAX (%u bytes)", name,
                       (unsigned long long)info->grain_sectors, (unsigned)VB_GRAIN_BYTES_MAX);
    if (info->gtes_per_gt < 1 || info->gtes_per_gt > VB_GT_BLOCK_ENTRIES)
        return vb_fail(diag, VB_ECORRUPT, "%s: numGTEsPerGT %u is outside 1..%u", name,
                       info->gtes_per_gt, (unsigned)VB_GT_BLOCK_ENTRIES);
    if (info->compressed && info->compress_algorithm != 1)
        return vb_fail(diag, VB_EUNSUPPORTED, "%s: compression algorithm %u not supported", name,
                       info->compress_algorithm);

    uint64_t coverage = (uint64_t)info->gtes_per_gt * info->grain_sectors;
    info->gd_entries = info->capacity / coverage + (info->capacity % coverage != 0);
    if (info->descriptor_offset != 0) {
        uint64_t start, bytes;
        if (vb_mul_overflow_u64(info->descriptor_offset, VMDK_SECTOR, &start) ||
            vb_mul_overflow_u64(info->descriptor_size, VMDK_SECTOR, &bytes) ||
            !vb_range_ok(start, bytes, file_size))
            return vb_fail(diag, VB_ECORRUPT,
                           "%s: embedded descriptor (%llu sectors at sector %llu) extends past end "
                           "of file (%llu bytes)",
                           name, (unsigned long long)info->descriptor_size,
                           (unsigned long long)info->descriptor_offset,
                           (unsigned long long)file_size);
    }
    if (info->gd_offset == GD_AT_END) /* streamOptimized: the footer holds the real one */
        return 0;
    info->rgd_usable = (info->flags & VMDK_FLAG_REDUNDANT_GD) && info->rgd_offset != 0 &&
                       table_fits(info->rgd_offset, info->gd_entries, 1, file_size);
    info->active_gd_offset = info->gd_offset;
    /* A compressed extent can do without: vmdk_stream.c walks its markers. */
    if (info->gd_entries && !table_fits(info->gd_offset, info->gd_entries, 1, file_size) &&
        !info->compressed)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain directory (%llu entries at sector %llu) does not fit in the file "
                       "(%llu bytes)",
                       name, (unsigned long long)info->gd_entries,
                       (unsigned long long)info->gd_offset, (unsigned long long)file_size);
    return 0;
}

uint64_t vmdk_grain_bytes(const vmdk_sparse_info *sp, uint64_t grain) {
    uint64_t first = grain * sp->grain_sectors;
    if (first >= sp->capacity)
        return 0;
    return VB_MIN(sp->grain_sectors, sp->capacity - first) * VMDK_SECTOR;
}

static uint64_t header_sectors(const vmdk_sparse_info *sp) {
    return sp->format == VMDK_SPARSE_COWD ? VMDK_COWD_HEADER_SIZE / VMDK_SECTOR : 1;
}

int vmdk_sparse_check_gte(const vmdk_extent *ext, uint64_t gd_index, uint64_t gt_index,
                          uint32_t gte, vb_diag *diag) {
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
    uint64_t bytes = sp->compressed ? 12 : vmdk_grain_bytes(sp, grain);
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
static int scan_gd(vmdk_disk *disk, vmdk_extent *ext, uint64_t gd_offset, const char *which) {
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    const uint64_t per_read = sizeof(disk->scratch) / 4;
    uint64_t file_sectors = ext->src.size / VMDK_SECTOR;
    for (uint64_t first = 0; first < sp->gd_entries; first += per_read) {
        uint64_t n = VB_MIN(per_read, sp->gd_entries - first);
        uint64_t at = gd_offset * VMDK_SECTOR + first * 4;
        int r = vb_source_read(&ext->src, at, disk->scratch, (size_t)(n * 4));
        if (r)
            return vmdk_read_failed(disk, name, r, at, n * 4);
        for (uint64_t i = 0; i < n; i++) {
            uint32_t gde = vb_le32(disk->scratch + i * 4);
            if (gde == 0)
                continue;
            if (!table_fits(gde, sp->gtes_per_gt, header_sectors(sp), ext->src.size)) {
                uint64_t end = (uint64_t)gde + ((uint64_t)sp->gtes_per_gt * 4 + 511) / 512;
                if (gde < header_sectors(sp))
                    return vb_fail(&disk->diag, VB_ECORRUPT,
                                   "%s: %s entry %llu points into the header: sector %u", name,
                                   which, (unsigned long long)(first + i), gde);
                return vb_fail(&disk->diag, VB_ECORRUPT,
                               "%s: %s entry %llu points past end of file: sector %llu > %llu",
                               name, which, (unsigned long long)(first + i),
                               (unsigned long long)end, (unsigned long long)file_sectors);
            }
        }
    }
    return 0;
}

int vmdk_sparse_open(vmdk_disk *disk, unsigned extent_index) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    uint8_t *h = disk->scratch;
    int r;
    if (ext->src.size < KDMV_HEADER_SIZE)
        return vb_fail(&disk->diag, VB_ETRUNCATED,
                       "%s: file is %llu bytes, too small for a sparse extent header", name,
                       (unsigned long long)ext->src.size);
    r = vb_source_read(&ext->src, 0, h, KDMV_HEADER_SIZE);
    if (r)
        return vmdk_read_failed(disk, name, r, 0, KDMV_HEADER_SIZE);
    uint32_t magic = vb_le32(h);
    if (magic == KDMV_MAGIC) {
        r = vmdk_sparse_parse_header(h, ext->src.size, sp, name, &disk->diag);
        if (r)
            return r;
    } else if (magic == COWD_MAGIC) {
        if (ext->src.size < VMDK_COWD_HEADER_SIZE)
            return vb_fail(&disk->diag, VB_ETRUNCATED,
                           "%s: file is %llu bytes, too small for a COWD header (2048)", name,
                           (unsigned long long)ext->src.size);
        r = vb_source_read(&ext->src, 0, h, VMDK_COWD_HEADER_SIZE);
        if (r)
            return vmdk_read_failed(disk, name, r, 0, VMDK_COWD_HEADER_SIZE);
        r = vmdk_cowd_parse_header(h, ext->src.size, sp, name, &disk->diag);
        if (r)
            return r;
    } else {
        return vb_fail(&disk->diag, VB_EFORMAT,
                       "%s: not a sparse extent (magic %02x %02x %02x %02x, want KDMV or COWD)",
                       name, h[0], h[1], h[2], h[3]);
    }
    if (sp->capacity != ext->sectors)
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: descriptor gives the extent %llu sectors but its header says %llu",
                       name, (unsigned long long)ext->sectors, (unsigned long long)sp->capacity);
    if (sp->format == VMDK_SPARSE_KDMV && (sp->compressed || sp->gd_offset == GD_AT_END))
        return vmdk_stream_open(disk, extent_index);
    return vmdk_sparse_use_directory(disk, extent_index);
}

int vmdk_sparse_use_directory(vmdk_disk *disk, unsigned extent_index) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    /* The grain directory in use: the primary, or the redundant one when
     * the primary cannot be read or points outside the file. */
    int r = scan_gd(disk, ext, sp->gd_offset, "grain directory");
    if (r == 0)
        return 0;
    if (!sp->rgd_usable)
        return r;
    vb_diag saved = disk->diag;
    if (scan_gd(disk, ext, sp->rgd_offset, "redundant grain directory") != 0) {
        disk->diag = saved;
        return r;
    }
    vb_diag_clear(&disk->diag);
    sp->using_rgd = true;
    sp->active_gd_offset = sp->rgd_offset;
    return 0;
}

/* Reads count entries at byte offset `at` into entries[] (host order). */
static int read_entries(vmdk_disk *disk, vmdk_extent *ext, uint64_t at, uint32_t count,
                        uint32_t *entries) {
    int r = vb_source_read(&ext->src, at, entries, (size_t)count * 4);
    if (r)
        return vmdk_read_failed(disk, vmdk_extent_label(ext), r, at, (uint64_t)count * 4);
    for (uint32_t i = 0; i < count; i++)
        entries[i] = vb_le32(&entries[i]);
    return 0;
}

int vmdk_sparse_gde(vmdk_disk *disk, unsigned extent_index, uint64_t gd_offset, uint64_t gd_index,
                    uint32_t *ret_gde) {
    vmdk_extent *ext = &disk->extents[extent_index];
    uint64_t block = gd_index / VB_GT_BLOCK_ENTRIES;
    uint64_t at = gd_offset * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4;
    vmdk_table_block *b = vmdk_cache_find(&disk->cache, extent_index, VMDK_BLOCK_GD, at);
    if (!b) {
        uint32_t count = (uint32_t)VB_MIN((uint64_t)VB_GT_BLOCK_ENTRIES,
                                          ext->sparse.gd_entries - block * VB_GT_BLOCK_ENTRIES);
        b = vmdk_cache_claim(&disk->cache, extent_index, VMDK_BLOCK_GD, at);
        int r = read_entries(disk, ext, at, count, b->entries);
        if (r) {
            vmdk_cache_drop(b);
            return r;
        }
    }
    *ret_gde = b->entries[gd_index % VB_GT_BLOCK_ENTRIES];
    return 0;
}

/* Reads and checks block `block` of the grain table at sector gte_table. */
static int load_gt_block(vmdk_disk *disk, vmdk_extent *ext, uint32_t gt_sector, uint64_t gd_index,
                         uint64_t block, uint32_t count, uint32_t *entries) {
    uint64_t at = (uint64_t)gt_sector * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4;
    int r = read_entries(disk, ext, at, count, entries);
    for (uint32_t i = 0; r == 0 && i < count; i++)
        r = vmdk_sparse_check_gte(ext, gd_index, block * VB_GT_BLOCK_ENTRIES + i, entries[i],
                                  &disk->diag);
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
    vb_diag saved = disk->diag;
    VB_STATIC_ASSERT(PREFETCH_BLOCKS * (VB_GT_BLOCK_ENTRIES * 4 + VMDK_SECTOR) <=
                         VMDK_SCRATCH_BYTES,
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
                vmdk_sparse_gde(disk, extent_index, sp->active_gd_offset, p.gd_index, &next) != 0 ||
                next == 0 || !table_fits(next, sp->gtes_per_gt, header_sectors(sp), ext->src.size))
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
    disk->diag = saved;
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
            ok = vmdk_sparse_check_gte(ext, p->gd_index, p->block * VB_GT_BLOCK_ENTRIES + i,
                                       vb_le32(src + i * 4), &disk->diag) == 0;
        disk->diag = saved;
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
    int r = load_gt_block(disk, ext, gde, gd_index, block, count, b->entries);
    if (r && sp->rgd_usable && !sp->using_rgd) {
        /* Try the redundant copy of this table. */
        vb_diag saved = disk->diag;
        uint32_t rgde = 0;
        int r2 = vmdk_sparse_gde(disk, extent_index, sp->rgd_offset, gd_index, &rgde);
        if (r2 == 0 && rgde != 0 &&
            table_fits(rgde, sp->gtes_per_gt, header_sectors(sp), ext->src.size))
            r2 = load_gt_block(disk, ext, rgde, gd_index, block, count, b->entries);
        else if (r2 == 0)
            r2 = VB_ECORRUPT;
        if (r2 == 0) {
            vb_diag_clear(&disk->diag);
            r = 0;
        } else {
            disk->diag = saved;
        }
    }
    if (r) {
        vmdk_cache_drop(b);
        return r;
    }
    *ret_block = b;
    return 0;
}

int vmdk_sparse_map(vmdk_disk *disk, unsigned extent_index, uint64_t off, uint64_t max_len,
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
    if (sp->stream_layout == VMDK_STREAM_WALKED)
        return vmdk_stream_map(disk, extent_index, off, max_len, ret_piece);
    vb_memset(ret_piece, 0, sizeof(*ret_piece));
    ret_piece->extent = extent_index;
    int r = vmdk_sparse_gde(disk, extent_index, sp->active_gd_offset, gd_index, &gde);
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
