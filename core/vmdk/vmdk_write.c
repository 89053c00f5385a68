/* vmdk_write.c: the writer's entry points: the checks that refuse a
 * request before any byte is written, the first write's CID change and
 * uncleanShutdown byte, the walk over the top link's extents (flat in
 * place, sparse through vmdk_write_sparse.c), flush and the clean close.
 *
 * Trusts the disk as vmdk_open validated it; the caller's offset and
 * length are checked against the capacity with overflow checks. */
#include "vmdk/vmdk_write_internal.h"
#include "lib/util.h"

/* Byte 72 of a KDMV header: uncleanShutdown. */
#define KDMV_UNCLEAN_OFFSET 72u

static bool is_flat_type(vmdk_extent_type t) {
    return t == VMDK_EXTENT_FLAT || t == VMDK_EXTENT_VMFS || t == VMDK_EXTENT_VMFSRDM ||
           t == VMDK_EXTENT_VMFSRAW;
}

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A hosted sparse extent this writer can allocate grains in. */
static bool is_kdmv(const vmdk_extent *ext) {
    return ext->type == VMDK_EXTENT_SPARSE && ext->sparse.format == VMDK_SPARSE_KDMV;
}

/* Sectors a request of `bytes` bytes may add to a sparse extent file at
 * most: every grain it touches new, plus both copies of every table. */
static uint64_t growth_bound(const vmdk_sparse_info *sp, uint64_t bytes) {
    uint64_t grains = bytes / (sp->grain_sectors * VMDK_SECTOR) + 2;
    uint64_t tables = grains / sp->gtes_per_gt + 2;
    uint64_t table_sectors = ((uint64_t)sp->gtes_per_gt * 4 + VMDK_SECTOR - 1) / VMDK_SECTOR;
    return grains * sp->grain_sectors + tables * 2 * table_sectors + 1;
}

/* Refuses what cannot be written into extent ei over [from, to) (bytes of
 * the disk; data at buf). Writes nothing. */
static int check_extent(vmdk_disk *disk, unsigned ei, uint64_t from, uint64_t to,
                        const uint8_t *data) {
    const vmdk_link *top = &disk->links[0];
    const vmdk_extent *ext = &disk->extents[ei];
    unsigned n = ei - top->first_extent;
    const char *file = ext->file_name;
    const vmdk_sparse_info *sp = &ext->sparse;
    if (sp->format == VMDK_SPARSE_COWD)
        return vb_fail(&disk->diag, VB_EUNSUPPORTED,
                       "%s: extent %u (\"%s\") is COWD, read-only: convert it to monolithicSparse "
                       "to write",
                       top->path, n, file);
    if (sp->format == VMDK_SPARSE_KDMV &&
        (vmdk_sparse_is_stream(sp) || sp->stream_layout != VMDK_STREAM_NONE))
        return vb_fail(&disk->diag, VB_EUNSUPPORTED,
                       "%s: extent %u (\"%s\") is streamOptimized, read-only: convert it to "
                       "monolithicSparse to write",
                       top->path, n, file);
    if (ext->access == VMDK_ACCESS_NOACCESS)
        return vb_fail(&disk->diag, VB_ENOACCESS,
                       "%s: write at byte %llu hits NOACCESS extent %u (\"%s\")", top->path,
                       (unsigned long long)from, n, file);
    if (ext->access == VMDK_ACCESS_RDONLY)
        return vb_fail(&disk->diag, VB_EREADONLY,
                       "%s: write at byte %llu hits RDONLY extent %u (\"%s\")", top->path,
                       (unsigned long long)from, n, file);
    if (ext->type == VMDK_EXTENT_ZERO) {
        if (!all_zero(data, (size_t)(to - from)))
            return vb_fail(&disk->diag, VB_EREADONLY,
                           "%s: write at byte %llu puts non-zero data over ZERO extent %u",
                           top->path, (unsigned long long)from, n);
        return 0;
    }
    if (!ext->has_source || !ext->src.write)
        return vb_fail(&disk->diag, VB_EREADONLY, "%s: extent %u (\"%s\") is a read-only file",
                       top->path, n, file);
    if (is_flat_type(ext->type))
        return 0;
    if (!is_kdmv(ext))
        return vb_fail(&disk->diag, VB_EUNSUPPORTED, "%s: extent %u (\"%s\") of type %s: no writer",
                       top->path, n, file, vmdk_extent_type_name(ext->type));
    if (sp->using_rgd || ((sp->flags & VMDK_FLAG_REDUNDANT_GD) && !sp->rgd_usable))
        return vb_fail(&disk->diag, VB_ECORRUPT,
                       "%s: extent %u (\"%s\"): a grain directory is damaged (vmdk check): not "
                       "writing",
                       top->path, n, file);
    uint64_t end_sector = (ext->src.size + VMDK_SECTOR - 1) / VMDK_SECTOR;
    if (end_sector + growth_bound(sp, to - from) > UINT32_MAX)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: extent %u (\"%s\") is full: new grains would lie past sector 2^32",
                       top->path, n, file);
    return 0;
}

/* Checks the whole request against every extent it touches. */
static int check_request(vmdk_disk *disk, uint64_t offset, const uint8_t *buf, size_t len) {
    const vmdk_link *top = &disk->links[0];
    uint64_t end = offset + len;
    for (unsigned i = 0; i < top->extent_count; i++) {
        unsigned ei = top->first_extent + i;
        const vmdk_extent *ext = &disk->extents[ei];
        uint64_t start = ext->start * VMDK_SECTOR, stop = start + ext->sectors * VMDK_SECTOR;
        uint64_t from = VB_MAX(start, offset), to = VB_MIN(stop, end);
        if (from >= to)
            continue;
        int r = check_extent(disk, ei, from, to, buf + (from - offset));
        if (r)
            return r;
    }
    return 0;
}

/* Flushes every file of the top link once (consecutive extents of one file
 * share its context). */
static int flush_all(vmdk_disk *disk) {
    const vmdk_link *top = &disk->links[0];
    const void *last = NULL;
    int r;
    if (top->file.write) {
        r = vb_source_flush(&top->file);
        if (r)
            return vmdk_write_failed(&disk->diag, top->path, r, 0, 0);
        last = top->file.ctx;
    }
    for (unsigned i = 0; i < top->extent_count; i++) {
        const vmdk_extent *ext = &disk->extents[top->first_extent + i];
        if (!ext->has_source || !ext->src.write || ext->src.ctx == last)
            continue;
        r = vb_source_flush(&ext->src);
        if (r)
            return vmdk_write_failed(&disk->diag, vmdk_extent_label(ext), r, 0, 0);
        last = ext->src.ctx;
    }
    return 0;
}

/* Sets (1) or clears (0) uncleanShutdown in every writable KDMV extent. */
static int mark_unclean(vmdk_disk *disk, uint8_t value) {
    const vmdk_link *top = &disk->links[0];
    for (unsigned i = 0; i < top->extent_count; i++) {
        vmdk_extent *ext = &disk->extents[top->first_extent + i];
        if (!is_kdmv(ext) || !ext->has_source || !ext->src.write || ext->access != VMDK_ACCESS_RW ||
            vmdk_sparse_is_stream(&ext->sparse))
            continue;
        int r = vb_source_write(&ext->src, KDMV_UNCLEAN_OFFSET, &value, 1);
        if (r)
            return vmdk_write_failed(&disk->diag, vmdk_extent_label(ext), r, KDMV_UNCLEAN_OFFSET,
                                     1);
        ext->sparse.unclean_shutdown = value;
    }
    return 0;
}

/* Borrows the writer's memory: the state plus one grain of the largest
 * grain size among the top link's sparse extents. */
static int get_writer(vmdk_disk *disk) {
    if (disk->writer)
        return 0;
    const vmdk_link *top = &disk->links[0];
    size_t grain = 0;
    for (unsigned i = 0; i < top->extent_count; i++) {
        const vmdk_extent *ext = &disk->extents[top->first_extent + i];
        if (is_kdmv(ext))
            grain = VB_MAX(grain, (size_t)(ext->sparse.grain_sectors * VMDK_SECTOR));
    }
    size_t bytes = sizeof(vmdk_writer) + grain;
    void *p = NULL;
    if (!disk->options.memory.alloc ||
        disk->options.memory.alloc(disk->options.memory.ctx, bytes, &p) != 0)
        return vb_fail(&disk->diag, VB_ELIMIT, "%s: no memory for the writer (%zu bytes)",
                       top->path, bytes);
    disk->writer = p;
    disk->writer_bytes = bytes;
    vb_memset(disk->writer, 0, sizeof(vmdk_writer));
    disk->writer->grain_bytes = grain;
    return 0;
}

/* The first write after open: a new CID (children made before it see the
 * change) and uncleanShutdown set, flushed before any data. */
static int start(vmdk_disk *disk) {
    vmdk_writer *w = disk->writer;
    if (w->started)
        return 0;
    int r = vmdk_descriptor_write_cid(disk, disk->options.cid_seed);
    if (!r)
        r = mark_unclean(disk, 1);
    if (!r)
        r = flush_all(disk);
    if (r)
        return r;
    w->started = true;
    return 0;
}

/* The usable writer, or the reason there is none. */
static int writable(vmdk_disk *disk) {
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    if (!disk->options.writable)
        return vb_fail(&disk->diag, VB_EREADONLY, "%s: the disk was opened read-only",
                       disk->links[0].path);
    if (disk->writer && disk->writer->failed)
        return vb_fail(&disk->diag, disk->writer->failed,
                       "%s: an earlier write failed (%s): close and reopen the disk",
                       disk->links[0].path, vb_err_name(disk->writer->failed));
    return 0;
}

static int write_pieces(vmdk_disk *disk, uint64_t offset, const uint8_t *buf, size_t len) {
    while (len) {
        vmdk_piece piece;
        int r = vmdk_link_map(disk, 0, offset, len, &piece);
        if (r)
            return r;
        vmdk_extent *ext = &disk->extents[piece.extent];
        uint64_t n = piece.length;
        if (is_flat_type(ext->type)) {
            r = vb_source_write(&ext->src, piece.file_offset, buf, (size_t)n);
            if (r)
                r = vmdk_write_failed(&disk->diag, vmdk_extent_label(ext), r, piece.file_offset, n);
        } else if (is_kdmv(ext)) {
            uint64_t in_ext = offset - ext->start * VMDK_SECTOR;
            uint64_t grain_bytes = ext->sparse.grain_sectors * VMDK_SECTOR;
            n = VB_MIN(n, grain_bytes - in_ext % grain_bytes);
            r = vmdk_write_sparse_piece(disk, piece.extent, in_ext, offset, buf, (size_t)n, &piece);
        } /* else a ZERO extent: check_request made sure the data is zeros */
        if (r)
            return r;
        offset += n;
        buf += n;
        len -= (size_t)n;
    }
    return vmdk_write_sparse_commit(disk);
}

int vmdk_write(vmdk_disk *disk, uint64_t offset, const void *buf, size_t len) {
    int r = writable(disk);
    if (r)
        return r;
    if (!vb_range_ok(offset, len, disk->capacity))
        return vb_fail(&disk->diag, VB_ERANGE,
                       "write of %zu bytes at offset %llu is past the capacity (%llu bytes)", len,
                       (unsigned long long)offset, (unsigned long long)disk->capacity);
    if (len == 0)
        return 0;
    r = check_request(disk, offset, buf, len);
    if (!r)
        r = get_writer(disk);
    if (r)
        return r;
    r = start(disk);
    if (!r)
        r = write_pieces(disk, offset, buf, len);
    if (r)
        disk->writer->failed = r;
    return r;
}

int vmdk_flush(vmdk_disk *disk) {
    int r = writable(disk);
    if (r || !disk->writer)
        return r;
    r = vmdk_write_sparse_commit(disk);
    if (!r)
        r = flush_all(disk);
    if (r)
        disk->writer->failed = r;
    return r;
}

int vmdk_close_flush(vmdk_disk *disk) {
    int r = 0;
    if (disk->is_open && disk->options.writable && disk->writer && disk->writer->started) {
        r = vmdk_flush(disk);
        if (!r)
            r = mark_unclean(disk, 0);
        if (!r)
            r = flush_all(disk);
    }
    vmdk_close(disk);
    if (r)
        disk->diag.err = r;
    return r;
}
