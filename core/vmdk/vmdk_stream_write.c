/* vmdk_stream_write.c: the streamOptimized writer (vmdk_stream_write.h),
 * VMware's layout from shared/docs/vmdk-format.md sections 3-4. Trusts the
 * caller's options only after checking them; every file offset that goes
 * into a 32-bit grain-table or directory entry is checked to fit. */
#include "vmdk/vmdk_stream_write.h"
#include "vmdk/vmdk_stream.h"
#include "lib/util.h"

#define SECTOR 512u

/* Marker types and header flags (vmdk-format.md sections 3-4). */
enum { MARKER_EOS = 0, MARKER_GT = 1, MARKER_GD = 2, MARKER_FOOTER = 3 };
#define FLAG_NEWLINE_TEST 0x00000001u
#define FLAG_COMPRESSED   0x00010000u
#define FLAG_MARKERS      0x00020000u
#define GD_AT_END         0xffffffffffffffffull
#define GT_SECTORS        (VMDK_SWRITE_GTES * 4u / SECTOR)

VB_STATIC_ASSERT(VMDK_SWRITE_COMPRESSED_MAX == VMDK_STREAM_MAX_COMPRESSED(VMDK_SWRITE_GRAIN_BYTES),
                 "written grains must stay within what the reader accepts");
VB_STATIC_ASSERT(VMDK_SWRITE_GRAIN_BYTES <= VB_GRAIN_BYTES_MAX, "the reader takes our grains");
VB_STATIC_ASSERT(VMDK_SWRITE_BUFFER_BYTES >= (1 + VMDK_SWRITE_DESC_SECTORS) * SECTOR &&
                     VMDK_SWRITE_BUFFER_BYTES >= (1 + GT_SECTORS) * SECTOR &&
                     VMDK_SWRITE_BUFFER_BYTES >= 3 * SECTOR,
                 "the buffer holds the header + descriptor, a GT + marker, the tail");
VB_STATIC_ASSERT(VMDK_SWRITE_OVERHEAD >= 1 + VMDK_SWRITE_DESC_SECTORS, "overhead holds both");

uint64_t vmdk_swrite_gd_entries(uint64_t capacity) {
    uint64_t grains =
        capacity / VMDK_SWRITE_GRAIN_SECTORS + (capacity % VMDK_SWRITE_GRAIN_SECTORS != 0);
    return grains / VMDK_SWRITE_GTES + (grains % VMDK_SWRITE_GTES != 0);
}

uint64_t vmdk_swrite_grain_bytes(const vmdk_stream_writer *w, uint64_t grain) {
    uint64_t first = grain * VMDK_SWRITE_GRAIN_SECTORS;
    if (grain >= w->grains)
        return 0;
    return VB_MIN((uint64_t)VMDK_SWRITE_GRAIN_SECTORS, w->opt.capacity - first) * SECTOR;
}

const char *vmdk_swrite_detail(const vmdk_stream_writer *w) {
    return w->diag.text;
}

/* The 512-byte KDMV header; the footer is the same with the real gdOffset. */
static void make_header(const vmdk_stream_writer *w, uint8_t *h, uint64_t gd_offset) {
    vb_memset(h, 0, SECTOR);
    vb_memcpy(h, "KDMV", 4);
    vb_put_le32(h + 4, 3);
    vb_put_le32(h + 8, FLAG_NEWLINE_TEST | FLAG_COMPRESSED | FLAG_MARKERS);
    vb_put_le64(h + 12, w->opt.capacity);
    vb_put_le64(h + 20, VMDK_SWRITE_GRAIN_SECTORS);
    vb_put_le64(h + 28, 1); /* descriptorOffset */
    vb_put_le64(h + 36, VMDK_SWRITE_DESC_SECTORS);
    vb_put_le32(h + 44, VMDK_SWRITE_GTES);
    vb_put_le64(h + 48, 0); /* rgdOffset: none */
    vb_put_le64(h + 56, gd_offset);
    vb_put_le64(h + 64, VMDK_SWRITE_OVERHEAD);
    h[72] = 0; /* uncleanShutdown */
    vb_memcpy(h + 73, "\n \r\n", 4);
    h[77] = 1; /* compressAlgorithm: deflate */
}

/* A metadata marker sector: val sectors of type follow. */
static void make_marker(uint8_t *m, uint64_t val, uint32_t type) {
    vb_memset(m, 0, SECTOR);
    vb_put_le64(m, val);
    vb_put_le32(m + 12, type);
}

/* Appends buf[0, len) (len a multiple of a sector). */
static int emit(vmdk_stream_writer *w, const void *buf, size_t len) {
    int r = vb_source_write(w->opt.out, w->pos, buf, len);
    if (r) {
        w->failed = true;
        return vb_fail(&w->diag, r, "write of %zu bytes at offset %llu failed", len,
                       (unsigned long long)w->pos);
    }
    w->pos += len;
    return 0;
}

static int fail(vmdk_stream_writer *w, int err, const char *what) {
    w->failed = true;
    return vb_fail(&w->diag, err, "%s", what);
}

int vmdk_swrite_begin(vmdk_stream_writer *w, const vmdk_swrite_options *options) {
    vb_memset(w, 0, sizeof(*w));
    w->opt = *options;
    const char *name = options->extent_name;
    if (!options->out || !options->out->write || !options->compress || !name)
        return fail(w, VB_EINVAL, "stream writer: no output, compressor or extent name");
    if (options->capacity == 0)
        return fail(w, VB_EINVAL, "stream writer: capacity 0");
    /* Grain-table entries are 32-bit sector offsets: a file past 2 TiB
     * cannot be addressed, and compressed grains are at least a sector. */
    if (options->capacity > (uint64_t)UINT32_MAX * VMDK_SWRITE_GRAIN_SECTORS)
        return vb_fail(&w->diag, VB_ELIMIT, "stream writer: capacity of %llu sectors is too large",
                       (unsigned long long)options->capacity);
    w->grains = options->capacity / VMDK_SWRITE_GRAIN_SECTORS +
                (options->capacity % VMDK_SWRITE_GRAIN_SECTORS != 0);
    w->gd_entries = vmdk_swrite_gd_entries(options->capacity);
    if (!options->gd || options->gd_count < w->gd_entries)
        return vb_fail(&w->diag, VB_EINVAL,
                       "stream writer: grain directory memory for %llu entries, %llu needed",
                       (unsigned long long)options->gd_count, (unsigned long long)w->gd_entries);
    for (const char *p = name; *p; p++)
        if (*p == '"' || (unsigned char)*p < 0x20)
            return fail(w, VB_EINVAL, "stream writer: extent name holds a quote or control byte");
    vb_memset(options->gd, 0, (size_t)w->gd_entries * sizeof(uint32_t));

    /* Cylinders as qemu-img computes them for an IDE geometry. */
    uint64_t cylinders = VB_MIN(options->capacity / (16 * 63), (uint64_t)16383);
    uint8_t *b = w->buf;
    const size_t desc_cap = VMDK_SWRITE_DESC_SECTORS * SECTOR;
    vb_memset(b, 0, (1 + VMDK_SWRITE_DESC_SECTORS) * SECTOR);
    make_header(w, b, GD_AT_END);
    size_t n = vb_format((char *)b + SECTOR, desc_cap,
                         "# Disk DescriptorFile\n"
                         "version=1\n"
                         "CID=%08x\n"
                         "parentCID=ffffffff\n"
                         "createType=\"streamOptimized\"\n"
                         "\n"
                         "# Extent description\n"
                         "RW %llu SPARSE \"%s\"\n"
                         "\n"
                         "# The Disk Data Base\n"
                         "#DDB\n"
                         "\n"
                         "ddb.virtualHWVersion = \"4\"\n"
                         "ddb.geometry.cylinders = \"%llu\"\n"
                         "ddb.geometry.heads = \"16\"\n"
                         "ddb.geometry.sectors = \"63\"\n"
                         "ddb.adapterType = \"ide\"\n",
                         (unsigned)options->cid, (unsigned long long)options->capacity, name,
                         (unsigned long long)cylinders);
    if (n + 1 >= desc_cap)
        return fail(w, VB_ELIMIT, "stream writer: descriptor does not fit (extent name too long)");
    /* The rest of the descriptor area stays NUL: readers stop at the first. */
    vb_memset(b + SECTOR + n, 0, desc_cap - n);
    int r = emit(w, b, (1 + VMDK_SWRITE_DESC_SECTORS) * SECTOR);
    if (r)
        return r;
    vb_memset(b, 0, (VMDK_SWRITE_OVERHEAD - 1 - VMDK_SWRITE_DESC_SECTORS) * SECTOR);
    return emit(w, b, (VMDK_SWRITE_OVERHEAD - 1 - VMDK_SWRITE_DESC_SECTORS) * SECTOR);
}

/* Writes the pending grain table behind its marker; its directory entry
 * names the table's first sector. */
static int write_gt(vmdk_stream_writer *w) {
    uint64_t table = w->pos / SECTOR + 1;
    if (table > UINT32_MAX)
        return fail(w, VB_ELIMIT, "stream writer: grain table past 2 TiB of file");
    make_marker(w->buf, GT_SECTORS, MARKER_GT);
    for (unsigned i = 0; i < VMDK_SWRITE_GTES; i++)
        vb_put_le32(w->buf + SECTOR + 4 * i, w->gt[i]);
    int r = emit(w, w->buf, (1 + GT_SECTORS) * SECTOR);
    if (r)
        return r;
    w->opt.gd[w->gt_index] = (uint32_t)table;
    vb_memset(w->gt, 0, sizeof(w->gt));
    w->gt_dirty = false;
    return 0;
}

static bool all_zero(const uint8_t *p, size_t len) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        vb_memcpy(&v, p + i, 8);
        if (v)
            return false;
    }
    for (; i < len; i++)
        if (p[i])
            return false;
    return true;
}

int vmdk_swrite_grain(vmdk_stream_writer *w, uint64_t grain, const void *data, size_t len) {
    if (w->failed)
        return w->diag.err ? w->diag.err : VB_EINVAL;
    if (grain >= w->grains || grain < w->next_grain)
        return vb_fail(&w->diag, VB_EINVAL,
                       "stream writer: grain %llu out of order or past the end (next %llu, %llu "
                       "grains)",
                       (unsigned long long)grain, (unsigned long long)w->next_grain,
                       (unsigned long long)w->grains);
    if (len != vmdk_swrite_grain_bytes(w, grain))
        return vb_fail(&w->diag, VB_EINVAL, "stream writer: grain %llu: %zu bytes, not %llu",
                       (unsigned long long)grain, len,
                       (unsigned long long)vmdk_swrite_grain_bytes(w, grain));
    w->next_grain = grain + 1;
    if (all_zero(data, len))
        return 0;
    int r;
    if (w->gt_dirty && grain / VMDK_SWRITE_GTES != w->gt_index) {
        r = write_gt(w);
        if (r)
            return r;
    }
    w->gt_index = grain / VMDK_SWRITE_GTES;
    uint64_t sector = w->pos / SECTOR;
    if (sector > UINT32_MAX)
        return fail(w, VB_ELIMIT, "stream writer: grain past 2 TiB of file");
    size_t clen = 0;
    r = w->opt.compress(w->opt.compress_ctx, data, len, w->buf + 12, VMDK_SWRITE_COMPRESSED_MAX,
                        &clen);
    if (r) {
        w->failed = true;
        return vb_fail(&w->diag, r, "grain %llu: compression failed", (unsigned long long)grain);
    }
    if (clen == 0 || clen > VMDK_SWRITE_COMPRESSED_MAX)
        return fail(w, VB_ELIMIT, "stream writer: compressor returned an impossible size");
    vb_put_le64(w->buf, grain * VMDK_SWRITE_GRAIN_SECTORS);
    vb_put_le32(w->buf + 8, (uint32_t)clen);
    size_t total = (12 + clen + SECTOR - 1) / SECTOR * SECTOR;
    vb_memset(w->buf + 12 + clen, 0, total - 12 - clen);
    r = emit(w, w->buf, total);
    if (r)
        return r;
    w->gt[grain % VMDK_SWRITE_GTES] = (uint32_t)sector;
    w->gt_dirty = true;
    w->stored++;
    return 0;
}

int vmdk_swrite_finish(vmdk_stream_writer *w) {
    if (w->failed)
        return w->diag.err ? w->diag.err : VB_EINVAL;
    int r = w->gt_dirty ? write_gt(w) : 0;
    if (r)
        return r;
    /* The directory behind its marker, written through the buffer. */
    uint64_t gd_sectors = (w->gd_entries * 4 + SECTOR - 1) / SECTOR;
    uint64_t gd_sector = w->pos / SECTOR + 1;
    make_marker(w->buf, gd_sectors, MARKER_GD);
    r = emit(w, w->buf, SECTOR);
    if (r)
        return r;
    const uint64_t per_chunk = VMDK_SWRITE_BUFFER_BYTES / SECTOR * SECTOR / 4;
    for (uint64_t at = 0; at < gd_sectors * SECTOR / 4; at += per_chunk) {
        uint64_t n = VB_MIN(per_chunk, gd_sectors * SECTOR / 4 - at);
        for (uint64_t i = 0; i < n; i++)
            vb_put_le32(w->buf + 4 * i, at + i < w->gd_entries ? w->opt.gd[at + i] : 0);
        r = emit(w, w->buf, (size_t)n * 4);
        if (r)
            return r;
    }
    /* Footer marker, footer, end-of-stream marker. */
    make_marker(w->buf, 1, MARKER_FOOTER);
    make_header(w, w->buf + SECTOR, gd_sector);
    make_marker(w->buf + 2 * SECTOR, 0, MARKER_EOS);
    r = emit(w, w->buf, 3 * SECTOR);
    if (r)
        return r;
    r = vb_source_flush(w->opt.out);
    if (r) {
        w->failed = true;
        return vb_fail(&w->diag, r, "flush of the finished stream failed");
    }
    w->failed = true; /* finished: nothing more may be written */
    vb_diag_clear(&w->diag);
    return 0;
}
