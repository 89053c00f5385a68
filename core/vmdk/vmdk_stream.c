/* vmdk_stream.c: streamOptimized (compressed) sparse extents.
 *
 * Opening: a header gdOffset of all-ones means the real header is the
 * footer at file size - 1024 (VMware layout: grains, grain tables behind
 * markers, grain directory, footer marker, footer, end-of-stream marker);
 * otherwise the header's grain directory is used (qemu-img layout). When
 * the footer or the directory is missing or unusable, the grain map is
 * rebuilt by walking the markers front to back (vmdk_stream_state.walk).
 *
 * Reading: a grain-table entry names the sector of a grain marker
 * { u64 LBA, u32 size } followed by size bytes of zlib (or raw deflate)
 * data. The marker must name the grain being read, the size must be
 * non-zero, at most a grain plus framing and inside the file, and the data
 * must inflate to exactly the grain (or, for a partial last grain, to the
 * bytes inside the capacity or a whole grain). Whole-grain reads inflate
 * straight into the caller's buffer; partial ones go through a small LRU
 * cache of decompressed grains. Compressed input comes through a window
 * that a sequential read fills with following grains as well.
 *
 * Trusts nothing in the file; every offset is checked before use. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* Marker types (vmdk-format.md section 4). */
enum {
    MARKER_EOS = 0,
    MARKER_GT = 1,
    MARKER_GD = 2,
    MARKER_FOOTER = 3,
    MARKER_PROGRESS = 4,
};

VB_STATIC_ASSERT(VMDK_STREAM_WINDOW_BYTES >=
                     VMDK_STREAM_MAX_COMPRESSED(VB_GRAIN_BYTES_MAX) + 12u + 512u,
                 "the window must hold one largest compressed grain");

/* ---- compressed input window ---------------------------------------- */

/* Points *ret at bytes [pos, pos + len) of extent ei's file (the caller
 * has checked they exist; len fits the window), reading them when the
 * window does not hold them. A read near or after the current window
 * (sequential) fills the whole window; any other reads fill_hint bytes, or
 * len if more. */
static int window_get(vmdk_disk *disk, unsigned ei, uint64_t pos, uint64_t len, uint64_t fill_hint,
                      const uint8_t **ret, vb_diag *diag) {
    vmdk_stream_state *st = &disk->stream;
    const vmdk_extent *ext = &disk->extents[ei];
    bool same = st->window_extent == ei + 1;
    uint64_t end = st->window_offset + st->window_len;
    if (same && pos >= st->window_offset && pos <= end && len <= end - pos) {
        *ret = st->window + (pos - st->window_offset);
        return 0;
    }
    /* Sequential: no window yet, or pos at or after the window's start and
     * not far past its end. */
    bool sequential = !same || st->window_len == 0 ||
                      (pos >= st->window_offset && pos <= end + VB_STREAM_READAHEAD_BYTES);
    uint64_t fill = sequential ? VMDK_STREAM_WINDOW_BYTES : VB_MAX(fill_hint, len);
    fill = VB_MIN(fill, ext->src.size - pos);
    st->window_extent = 0;
    int r = vb_source_read(&ext->src, pos, st->window, (size_t)fill);
    if (r)
        return vb_fail_read(diag, r, vmdk_extent_label(ext), pos, fill);
    st->window_extent = ei + 1;
    st->window_offset = pos;
    st->window_len = fill;
    st->window_loads++;
    *ret = st->window;
    return 0;
}

/* ---- opening ----------------------------------------------------------- */

/* True for failures that mean "this directory cannot be used" (as opposed
 * to the platform failing to read), after which the marker walk may help. */
static bool recoverable(int err) {
    return err == VB_ECORRUPT || err == VB_ETRUNCATED || err == VB_EFORMAT ||
           err == VB_EUNSUPPORTED;
}

/* Reads the footer of a VMware-layout file and takes its grain directory.
 * A missing or unusable footer is a recoverable error; a valid footer that
 * contradicts the header sets *hard. */
static int read_footer(vmdk_disk *disk, unsigned ei, bool *hard) {
    vmdk_extent *ext = &disk->extents[ei];
    vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    uint8_t *tail = disk->scratch; /* footer marker, footer, end-of-stream marker */
    uint64_t size = ext->src.size;
    *hard = false;
    if (size % VMDK_SECTOR != 0 || size < 4 * VMDK_SECTOR)
        return vb_fail(&disk->diag, VB_ETRUNCATED,
                       "%s: file of %llu bytes cannot end with a footer and end-of-stream marker",
                       name, (unsigned long long)size);
    int r = vb_source_read(&ext->src, size - 3 * VMDK_SECTOR, tail, 3 * VMDK_SECTOR);
    if (r) {
        *hard = true;
        return vb_fail_read(&disk->diag, r, name, size - 3 * VMDK_SECTOR, 3 * VMDK_SECTOR);
    }
    const uint8_t *marker = tail, *footer = tail + VMDK_SECTOR, *eos = tail + 2 * VMDK_SECTOR;
    if (vb_le32(marker + 8) != 0 || vb_le32(marker + 12) != MARKER_FOOTER)
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: no footer marker at sector %llu (size %u, type %u)", name,
                       (unsigned long long)(size / VMDK_SECTOR - 3), vb_le32(marker + 8),
                       vb_le32(marker + 12));
    if (vb_le64(eos) != 0 || vb_le32(eos + 8) != 0 || vb_le32(eos + 12) != MARKER_EOS)
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: no end-of-stream marker in the last sector (value %llu, size %u, "
                       "type %u)",
                       name, (unsigned long long)vb_le64(eos), vb_le32(eos + 8), vb_le32(eos + 12));
    vmdk_sparse_info f;
    r = vmdk_sparse_parse_header(footer, size, &f, name, &disk->diag);
    if (r)
        return r;
    if (f.gd_offset == VMDK_GD_AT_END)
        return vb_fail(&disk->diag, VB_ECORRUPT, "%s: the footer's gdOffset is all-ones too", name);
    *hard = true;
    if (f.capacity != sp->capacity || f.grain_sectors != sp->grain_sectors ||
        f.gtes_per_gt != sp->gtes_per_gt || f.compressed != sp->compressed ||
        f.compress_algorithm != sp->compress_algorithm)
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: footer does not match the header (capacity %llu/%llu, grain %llu/%llu, "
                       "GTEs %u/%u, compression %u/%u)",
                       name, (unsigned long long)f.capacity, (unsigned long long)sp->capacity,
                       (unsigned long long)f.grain_sectors, (unsigned long long)sp->grain_sectors,
                       f.gtes_per_gt, sp->gtes_per_gt, f.compress_algorithm,
                       sp->compress_algorithm);
    *hard = false;
    sp->gd_offset = f.gd_offset;
    sp->rgd_offset = f.rgd_offset;
    sp->rgd_usable = f.rgd_usable;
    sp->active_gd_offset = f.gd_offset;
    return 0;
}

/* Heap sort of the walk map by (grain, sector): only needed when a writer
 * stored grains out of order. */
static bool walk_less(const vmdk_walk_entry *a, const vmdk_walk_entry *b) {
    return a->grain < b->grain || (a->grain == b->grain && a->sector < b->sector);
}

static void sift_down(vmdk_walk_entry *w, uint32_t root, uint32_t n) {
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && walk_less(&w[child], &w[child + 1]))
            child++;
        if (!walk_less(&w[root], &w[child]))
            return;
        vmdk_walk_entry t = w[root];
        w[root] = w[child];
        w[child] = t;
        root = child;
    }
}

static void walk_sort(vmdk_walk_entry *w, uint32_t n) {
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(w, i, n);
    for (uint32_t end = n; end-- > 1;) {
        vmdk_walk_entry t = w[0];
        w[0] = w[end];
        w[end] = t;
        sift_down(w, 0, end);
    }
}

/* Builds the grain map of extent ei by walking its markers from the first
 * grain to the end-of-stream marker, the end of the file or the first
 * thing that cannot be a marker. cause is why the directory was unusable
 * (its detail is in disk->diag). */
static int walk_markers(vmdk_disk *disk, unsigned ei, int cause) {
    vmdk_stream_state *st = &disk->stream;
    vmdk_extent *ext = &disk->extents[ei];
    vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    const uint64_t size = ext->src.size;
    const uint64_t gs = sp->grain_sectors;
    const uint64_t max_compressed = VMDK_STREAM_MAX_COMPRESSED(gs * VMDK_SECTOR);

    if (!sp->markers || !sp->compressed)
        return cause;
    if (st->walk_extent != 0 && st->walk_extent != ei + 1)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: needs a marker walk, but one extent of this disk already uses the walk "
                       "map (one per disk)",
                       name);
    if (sp->capacity / gs > UINT32_MAX || size / VMDK_SECTOR > UINT32_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT, "%s: too large for a marker walk", name);
    vb_memcpy(st->walk_cause_text, disk->diag.text, sizeof(st->walk_cause_text));
    st->walk_cause = cause;
    st->walk_count = 0;

    uint64_t desc_end = sp->descriptor_offset ? sp->descriptor_offset + sp->descriptor_size : 1;
    uint64_t pos =
        sp->overhead >= desc_end && sp->overhead < size / VMDK_SECTOR ? sp->overhead : desc_end;
    pos *= VMDK_SECTOR;
    bool sorted = true;
    vmdk_walk_end end;
    for (;;) {
        if (pos >= size) {
            end = VMDK_WALK_EOF;
            break;
        }
        const uint8_t *m;
        uint64_t avail = VB_MIN(size - pos, (uint64_t)16);
        if (avail < 12) {
            end = VMDK_WALK_TRUNCATED;
            break;
        }
        int r = window_get(disk, ei, pos, avail, VMDK_SECTOR, &m, &disk->diag);
        if (r)
            return r;
        uint64_t val = vb_le64(m);
        uint32_t msize = vb_le32(m + 8);
        if (msize != 0) {
            if (val % gs != 0 || val >= sp->capacity || msize > max_compressed) {
                end = VMDK_WALK_BAD_MARKER;
                break;
            }
            if (msize > size - pos - 12) {
                end = VMDK_WALK_TRUNCATED;
                break;
            }
            if (st->walk_count >= VB_STREAM_WALK_GRAINS_MAX)
                return vb_fail(&disk->diag, VB_ELIMIT,
                               "%s: marker walk finds more than %u grains "
                               "(VB_STREAM_WALK_GRAINS_MAX)",
                               name, (unsigned)VB_STREAM_WALK_GRAINS_MAX);
            vmdk_walk_entry *e = &st->walk[st->walk_count++];
            e->grain = (uint32_t)(val / gs);
            e->sector = (uint32_t)(pos / VMDK_SECTOR);
            if (st->walk_count > 1 && !walk_less(&e[-1], e))
                sorted = false;
            pos += 12 + (uint64_t)msize;
            pos = (pos + VMDK_SECTOR - 1) / VMDK_SECTOR * VMDK_SECTOR;
            continue;
        }
        if (avail < 16) {
            end = VMDK_WALK_TRUNCATED;
            break;
        }
        uint32_t type = vb_le32(m + 12);
        if (type == MARKER_EOS) {
            end = VMDK_WALK_EOS;
            break;
        }
        if (type > MARKER_PROGRESS) {
            end = VMDK_WALK_BAD_MARKER;
            break;
        }
        /* Metadata: the marker sector, then val sectors. */
        if (val >= size / VMDK_SECTOR || (val + 1) * VMDK_SECTOR > size - pos) {
            end = VMDK_WALK_TRUNCATED;
            break;
        }
        pos += (val + 1) * VMDK_SECTOR;
    }
    if (!sorted)
        walk_sort(st->walk, st->walk_count);
    /* A grain stored twice: the later copy (higher sector) wins, whether or
     * not the walk had to sort (two copies can also arrive in order). */
    uint32_t out = 0;
    for (uint32_t i = 0; i < st->walk_count; i++) {
        if (out > 0 && st->walk[out - 1].grain == st->walk[i].grain)
            out--;
        st->walk[out++] = st->walk[i];
    }
    st->walk_count = out;
    st->walk_extent = ei + 1;
    st->walk_end = end;
    st->walk_end_sector = pos / VMDK_SECTOR;
    sp->stream_layout = VMDK_STREAM_WALKED;
    vb_diag_clear(&disk->diag);
    return 0;
}

int vmdk_stream_open(vmdk_disk *disk, unsigned ei) {
    vmdk_stream_state *st = &disk->stream;
    vmdk_sparse_info *sp = &disk->extents[ei].sparse;
    /* Only compressed grains need the borrowed buffers (an uncompressed
     * file may merely keep its directory in a footer). */
    int r =
        sp->compressed ? vmdk_stream_buffers_get(disk, vmdk_extent_label(&disk->extents[ei])) : 0;
    if (r)
        return r;
    /* Nothing cached may survive from an earlier use of this index. */
    if (st->window_extent == ei + 1)
        st->window_extent = 0;
    for (unsigned i = 0; i < VB_GRAIN_CACHE_ENTRIES; i++)
        if (st->slots[i].extent == ei + 1)
            st->slots[i].extent = 0;
    bool hard = false;
    if (sp->gd_offset == VMDK_GD_AT_END) {
        sp->stream_layout = VMDK_STREAM_FOOTER_GD;
        r = read_footer(disk, ei, &hard);
    } else {
        sp->stream_layout = VMDK_STREAM_HEADER_GD;
        r = 0;
    }
    /* (vmdk_sparse_parse_header leaves this check to us for compressed
     * extents, so that a bad directory leads to the walk.) */
    uint64_t at;
    if (r == 0 && sp->gd_entries &&
        (vb_mul_overflow_u64(sp->gd_offset, VMDK_SECTOR, &at) || sp->gd_offset == 0 ||
         !vb_range_ok(at, sp->gd_entries * 4, disk->extents[ei].src.size)))
        r = vb_fail(&disk->diag, VB_ECORRUPT,
                    "%s: grain directory (%llu entries at sector %llu) does not fit in the file",
                    vmdk_extent_label(&disk->extents[ei]), (unsigned long long)sp->gd_entries,
                    (unsigned long long)sp->gd_offset);
    if (r == 0)
        r = vmdk_gd_use(disk, ei);
    if (r == 0 || hard || !recoverable(r))
        return r;
    return walk_markers(disk, ei, r);
}

int vmdk_stream_map(vmdk_disk *disk, unsigned ei, uint64_t off, uint64_t max_len,
                    vmdk_piece *ret_piece) {
    const vmdk_stream_state *st = &disk->stream;
    const vmdk_sparse_info *sp = &disk->extents[ei].sparse;
    const uint64_t grain_bytes = sp->grain_sectors * VMDK_SECTOR;
    const uint64_t grains =
        sp->capacity / sp->grain_sectors + (sp->capacity % sp->grain_sectors != 0);
    uint64_t grain = off / grain_bytes, in_grain = off % grain_bytes;
    uint64_t limit = VB_MIN(max_len, sp->capacity * VMDK_SECTOR - off);
    if (sp->stream_layout != VMDK_STREAM_WALKED)
        return vmdk_gd_map(disk, ei, off, max_len, ret_piece);
    vb_memset(ret_piece, 0, sizeof(*ret_piece));
    ret_piece->extent = ei;
    /* First entry with entry.grain >= grain. */
    uint32_t lo = 0, hi = st->walk_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (st->walk[mid].grain < grain)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < st->walk_count && st->walk[lo].grain == grain) {
        ret_piece->kind = VMDK_PIECE_COMPRESSED;
        ret_piece->grain = grain;
        ret_piece->gte = st->walk[lo].sector;
        ret_piece->in_grain = in_grain;
        ret_piece->length = VB_MIN(grain_bytes - in_grain, limit);
    } else {
        uint64_t next = lo < st->walk_count ? st->walk[lo].grain : grains;
        ret_piece->kind = VMDK_PIECE_HOLE;
        ret_piece->length = VB_MIN((next - grain) * grain_bytes - in_grain, limit);
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------- */

/* Finds the compressed bytes of grain `grain` whose marker is at sector
 * `sector`, checking the marker; a problem's detail goes to *diag. */
static int fetch_grain(vmdk_disk *disk, unsigned ei, uint64_t grain, uint32_t sector,
                       const uint8_t **ret_data, uint32_t *ret_size, vb_diag *diag) {
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    const uint64_t max_compressed = VMDK_STREAM_MAX_COMPRESSED(sp->grain_sectors * VMDK_SECTOR);
    const uint64_t pos = (uint64_t)sector * VMDK_SECTOR;
    const uint8_t *m;
    if (!vb_range_ok(pos, 12, ext->src.size))
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain %llu: marker at sector %u is past the end of the file", name,
                       (unsigned long long)grain, sector);
    int r = window_get(disk, ei, pos, 12, 12 + max_compressed, &m, diag);
    if (r)
        return r;
    uint64_t lba = vb_le64(m);
    uint32_t size = vb_le32(m + 8);
    if (size == 0)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain %llu: sector %u holds a metadata marker (type %u), not a grain",
                       name, (unsigned long long)grain, sector,
                       vb_range_ok(pos, 16, ext->src.size) ? vb_le32(m + 12) : 0u);
    if (lba != grain * sp->grain_sectors)
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain %llu: marker at sector %u is for LBA %llu, not %llu", name,
                       (unsigned long long)grain, sector, (unsigned long long)lba,
                       (unsigned long long)(grain * sp->grain_sectors));
    if (size > max_compressed)
        return vb_fail(
            diag, VB_ECORRUPT,
            "%s: grain %llu: compressed size %u is more than a grain plus framing (%llu)", name,
            (unsigned long long)grain, size, (unsigned long long)max_compressed);
    if (!vb_range_ok(pos + 12, size, ext->src.size))
        return vb_fail(diag, VB_ECORRUPT,
                       "%s: grain %llu: %u compressed bytes at sector %u run past the end of the "
                       "file (%llu bytes)",
                       name, (unsigned long long)grain, size, sector,
                       (unsigned long long)ext->src.size);
    r = window_get(disk, ei, pos, 12 + (uint64_t)size, 12 + max_compressed, &m, diag);
    if (r)
        return r;
    *ret_data = m + 12;
    *ret_size = size;
    return 0;
}

int vmdk_stream_check_grain(vmdk_disk *disk, unsigned ei, uint64_t grain, uint32_t sector,
                            vb_diag *ret_diag) {
    const uint8_t *data;
    uint32_t size;
    return fetch_grain(disk, ei, grain, sector, &data, &size, ret_diag);
}

int vmdk_stream_copy_grain(vmdk_disk *disk, unsigned ei, uint64_t grain, uint32_t sector, void *buf,
                           size_t cap, uint32_t *ret_size) {
    const uint8_t *data;
    uint32_t size;
    int r = fetch_grain(disk, ei, grain, sector, &data, &size, &disk->diag);
    if (r)
        return r;
    if (size > cap)
        return vb_fail(&disk->diag, VB_ELIMIT, "grain %llu: %u compressed bytes, room for %zu",
                       (unsigned long long)grain, size, cap);
    vb_memcpy(buf, data, size);
    *ret_size = size;
    return 0;
}

/* Inflates grain data into dst (cap bytes); the output must be one of the
 * two accepted lengths. */
static int inflate_grain(vmdk_disk *disk, unsigned ei, uint64_t grain, uint32_t sector,
                         const uint8_t *data, uint32_t size, uint8_t *dst, uint64_t cap,
                         uint64_t want, uint64_t want_alt) {
    vmdk_stream_state *st = &disk->stream;
    vb_diag d;
    size_t got = 0;
    st->grains_inflated++;
    int r = inflate_decompress(st->inflate, INFLATE_FORMAT_AUTO, data, size, dst, (size_t)cap, &got,
                               NULL, &d);
    if (r)
        return vb_fail(&disk->diag, r, "%s: grain %llu (marker at sector %u): %s",
                       vmdk_extent_label(&disk->extents[ei]), (unsigned long long)grain, sector,
                       d.text);
    if (got != want && got != want_alt)
        return vb_fail(&disk->diag, VB_EDEFLATE,
                       "%s: grain %llu (marker at sector %u) inflates to %zu bytes, not %llu",
                       vmdk_extent_label(&disk->extents[ei]), (unsigned long long)grain, sector,
                       got, (unsigned long long)want);
    return 0;
}

int vmdk_stream_read_grain(vmdk_disk *disk, const vmdk_piece *piece, void *buf) {
    vmdk_stream_state *st = &disk->stream;
    const unsigned ei = piece->extent;
    const vmdk_sparse_info *sp = &disk->extents[ei].sparse;
    const uint64_t grain_bytes = sp->grain_sectors * VMDK_SECTOR;
    const uint64_t want = vmdk_gd_grain_bytes(sp, piece->grain);
    if (piece->in_grain > want || piece->length > want - piece->in_grain)
        return vb_fail(&disk->diag, VB_EINVAL, "grain read outside the grain");

    vmdk_grain_slot *slot = NULL;
    for (unsigned i = 0; i < VB_GRAIN_CACHE_ENTRIES; i++) {
        vmdk_grain_slot *s = &st->slots[i];
        if (s->extent == ei + 1 && s->grain == piece->grain) {
            s->last_use = ++st->clock;
            st->grain_cache_hits++;
            vb_memcpy(buf, st->grains[i] + piece->in_grain, (size_t)piece->length);
            return 0;
        }
        if (!slot || s->extent == 0 || (slot->extent != 0 && s->last_use < slot->last_use))
            slot = s;
    }

    const uint8_t *data = NULL;
    uint32_t size = 0;
    int r = fetch_grain(disk, ei, piece->grain, piece->gte, &data, &size, &disk->diag);
    if (r)
        return r;
    if (piece->in_grain == 0 && piece->length == grain_bytes)
        /* A whole (full-size) grain: straight into the caller's buffer. */
        return inflate_grain(disk, ei, piece->grain, piece->gte, data, size, buf, grain_bytes,
                             grain_bytes, grain_bytes);

    /* Part of a grain, or a partial last grain (whose stream may hold just
     * the bytes inside the capacity, or a whole grain): via the cache. */
    uint8_t *dst = st->grains[slot - st->slots];
    slot->extent = 0;
    r = inflate_grain(disk, ei, piece->grain, piece->gte, data, size, dst, grain_bytes, want,
                      grain_bytes);
    if (r)
        return r;
    slot->extent = ei + 1;
    slot->grain = piece->grain;
    slot->last_use = ++st->clock;
    vb_memcpy(buf, dst + piece->in_grain, (size_t)piece->length);
    return 0;
}
