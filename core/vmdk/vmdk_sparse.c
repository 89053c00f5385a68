/* vmdk_sparse.c: the headers of sparse extents: the hosted "KDMV" header
 * (versions 1-3, also the streamOptimized footer), and reading the header
 * of a sparse file, KDMV or COWD (vmdk_cowd.c), by its magic. The grain
 * directory and tables are vmdk_gd.c's; compressed extents are finished by
 * vmdk_stream.c (the caller chooses, see vmdk_sparse_is_stream).
 *
 * Trusts nothing in the file: every header field is range-checked against
 * the file size before anything uses it. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

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

int vmdk_sparse_parse_header(const uint8_t h[512], uint64_t file_size, vmdk_sparse_info *info,
                             const char *name, vb_diag *diag) {
    vb_memset(info, 0, sizeof(*info));
    if (vb_le32(h + KDMV_MAGIC_OFF) != VMDK_KDMV_MAGIC)
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
    if (info->gd_offset == VMDK_GD_AT_END) /* streamOptimized: the footer holds the real one */
        return 0;
    info->rgd_usable = (info->flags & VMDK_FLAG_REDUNDANT_GD) && info->rgd_offset != 0 &&
                       vmdk_gd_table_fits(info->rgd_offset, info->gd_entries, 1, file_size);
    info->active_gd_offset = info->gd_offset;
    /* A compressed extent can do without: vmdk_stream.c walks its markers. */
    if (info->gd_entries && !vmdk_gd_table_fits(info->gd_offset, info->gd_entries, 1, file_size) &&
        !info->compressed)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain directory (%llu entries at sector %llu) does not fit in the file "
                       "(%llu bytes)",
                       name, (unsigned long long)info->gd_entries,
                       (unsigned long long)info->gd_offset, (unsigned long long)file_size);
    return 0;
}

/* Reads the first `bytes` bytes of src into disk->scratch; a shorter file
 * is too small for `what`. */
static int read_start(vmdk_disk *disk, const vb_source *src, const char *name, uint32_t bytes,
                      const char *what) {
    if (src->size < bytes)
        return vb_fail(&disk->diag, VB_ETRUNCATED, "%s: file is %llu bytes, too small for %s", name,
                       (unsigned long long)src->size, what);
    int r = vb_source_read(src, 0, disk->scratch, bytes);
    if (r)
        return vb_fail_read(&disk->diag, r, name, 0, bytes);
    return 0;
}

int vmdk_sparse_read_header(vmdk_disk *disk, const vb_source *src, const char *name,
                            vmdk_sparse_format expect, vmdk_sparse_info *info) {
    const uint8_t *h = disk->scratch;
    uint32_t magic = expect == VMDK_SPARSE_COWD ? VMDK_COWD_MAGIC : 0;
    int r;
    if (magic == 0) {
        r = read_start(disk, src, name, KDMV_HEADER_SIZE, "a sparse extent header");
        if (r)
            return r;
        magic = vb_le32(h);
    }
    if (magic == VMDK_KDMV_MAGIC || expect == VMDK_SPARSE_KDMV)
        return vmdk_sparse_parse_header(h, src->size, info, name, &disk->diag);
    if (magic != VMDK_COWD_MAGIC)
        return vb_fail(&disk->diag, VB_EFORMAT,
                       "%s: not a sparse extent (magic %02x %02x %02x %02x, want KDMV or COWD)",
                       name, h[0], h[1], h[2], h[3]);
    r = read_start(disk, src, name, VMDK_COWD_HEADER_SIZE, "a COWD header (2048)");
    if (r)
        return r;
    return vmdk_cowd_parse_header(h, src->size, info, name, &disk->diag);
}

int vmdk_sparse_open(vmdk_disk *disk, unsigned extent_index) {
    vmdk_extent *ext = &disk->extents[extent_index];
    vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    int r = vmdk_sparse_read_header(disk, &ext->src, name, VMDK_SPARSE_NONE, sp);
    if (r)
        return r;
    if (sp->capacity != ext->sectors)
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: descriptor gives the extent %llu sectors but its header says %llu",
                       name, (unsigned long long)ext->sectors, (unsigned long long)sp->capacity);
    return 0;
}
