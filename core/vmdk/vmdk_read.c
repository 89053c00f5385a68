/* vmdk_read.c: the read path and the allocation map.
 *
 * A read walks the requested range link by link: each piece of the newest
 * link is data (read from its extent file), zeros, or a hole that is read
 * from the parent link (or zeros at the base). Pieces that are contiguous
 * in the same file are merged, so the platform gets one read per
 * contiguous stretch, straight into the caller's buffer; uncompressed data
 * never goes through an internal buffer. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

/* Index (global) of the extent of link holding byte off (< link bytes). */
static unsigned find_extent(const vmdk_disk *disk, const vmdk_link *link, uint64_t off) {
    uint64_t sector = off / VMDK_SECTOR;
    unsigned lo = link->first_extent, hi = link->first_extent + link->extent_count;
    /* Last extent whose start <= sector (zero-size extents lose ties). */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (disk->extents[mid].start <= sector)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Maps byte offset off of link link_index (which may lie past the link's
 * capacity: a parent smaller than its child reads as a hole there). */
static int link_map(vmdk_disk *disk, unsigned link_index, uint64_t off, uint64_t max_len,
                    vmdk_piece *ret_piece) {
    const vmdk_link *link = &disk->links[link_index];
    uint64_t link_bytes = link->sectors * VMDK_SECTOR;
    vb_memset(ret_piece, 0, sizeof(*ret_piece));
    if (off >= link_bytes) {
        /* A parent smaller than its child: nothing stored here. */
        ret_piece->kind = VMDK_PIECE_HOLE;
        ret_piece->length = max_len;
        ret_piece->extent = link->first_extent + link->extent_count - 1;
        return 0;
    }
    unsigned index = find_extent(disk, link, off);
    const vmdk_extent *ext = &disk->extents[index];
    uint64_t in_ext = off - ext->start * VMDK_SECTOR;
    uint64_t max = VB_MIN(max_len, ext->sectors * VMDK_SECTOR - in_ext);
    ret_piece->extent = index;
    ret_piece->length = max;
    if (ext->access == VMDK_ACCESS_NOACCESS) {
        ret_piece->kind = VMDK_PIECE_NOACCESS;
        return 0;
    }
    switch (ext->type) {
    case VMDK_EXTENT_ZERO:
        ret_piece->kind = VMDK_PIECE_ZERO;
        return 0;
    case VMDK_EXTENT_FLAT:
    case VMDK_EXTENT_VMFS:
    case VMDK_EXTENT_VMFSRDM:
    case VMDK_EXTENT_VMFSRAW:
        ret_piece->kind = VMDK_PIECE_DATA;
        ret_piece->file_offset = ext->flat_offset * VMDK_SECTOR + in_ext;
        return 0;
    case VMDK_EXTENT_SPARSE:
    case VMDK_EXTENT_VMFSSPARSE:
        break;
    }
    /* The one place that sends streamOptimized extents to their own code
     * (their COMPRESSED pieces are read by vmdk_stream_read_grain). */
    if (ext->sparse.stream_layout != VMDK_STREAM_NONE)
        return vmdk_stream_map(disk, index, in_ext, max, ret_piece);
    return vmdk_gd_map(disk, index, in_ext, max, ret_piece);
}

/* A read request being accumulated: len bytes of src at file_offset. */
typedef struct pending_read {
    const vmdk_extent *ext;
    uint64_t file_offset;
    uint8_t *buf;
    uint64_t len;
} pending_read;

static int flush(vmdk_disk *disk, pending_read *p) {
    if (!p->len)
        return 0;
    int r = vb_source_read(&p->ext->src, p->file_offset, p->buf, (size_t)p->len);
    if (r)
        r = vb_fail_read(&disk->diag, r, vmdk_extent_label(p->ext), p->file_offset, p->len);
    p->len = 0;
    return r;
}

static int link_read(vmdk_disk *disk, unsigned link_index, uint64_t off, uint8_t *buf,
                     uint64_t len) {
    pending_read p = {NULL, 0, NULL, 0};
    while (len) {
        vmdk_piece piece;
        int r = link_map(disk, link_index, off, len, &piece);
        if (r)
            return r;
        const vmdk_extent *ext = &disk->extents[piece.extent];
        if (piece.kind == VMDK_PIECE_DATA) {
            if (p.len && p.ext->src.ctx == ext->src.ctx && p.ext->src.read == ext->src.read &&
                p.file_offset + p.len == piece.file_offset) {
                p.len += piece.length;
            } else {
                r = flush(disk, &p);
                if (r)
                    return r;
                p = (pending_read){ext, piece.file_offset, buf, piece.length};
            }
        } else {
            r = flush(disk, &p);
            if (r)
                return r;
            switch (piece.kind) {
            case VMDK_PIECE_ZERO:
                vb_memset(buf, 0, (size_t)piece.length);
                break;
            case VMDK_PIECE_HOLE:
                if (link_index + 1 < disk->link_count)
                    r = link_read(disk, link_index + 1, off, buf, piece.length);
                else
                    vb_memset(buf, 0, (size_t)piece.length);
                break;
            case VMDK_PIECE_NOACCESS:
                r = vb_fail(&disk->diag, VB_ENOACCESS,
                            "%s: read of byte %llu hits NOACCESS extent %u (\"%s\")",
                            disk->links[link_index].path, (unsigned long long)off,
                            piece.extent - disk->links[link_index].first_extent, ext->file_name);
                break;
            case VMDK_PIECE_COMPRESSED:
                r = vmdk_stream_read_grain(disk, &piece, buf);
                break;
            case VMDK_PIECE_DATA:
                break;
            }
            if (r)
                return r;
        }
        off += piece.length;
        buf += piece.length;
        len -= piece.length;
    }
    return flush(disk, &p);
}

/* The link-level map and read, for the writer (vmdk_write.c): what the top
 * link holds where it writes, and a parent's bytes under a new grain. */
int vmdk_link_map(vmdk_disk *disk, unsigned link_index, uint64_t off, uint64_t max_len,
                  vmdk_piece *ret_piece) {
    return link_map(disk, link_index, off, max_len, ret_piece);
}

int vmdk_link_read(vmdk_disk *disk, unsigned link_index, uint64_t off, void *buf, uint64_t len) {
    return link_read(disk, link_index, off, buf, len);
}

int vmdk_read(vmdk_disk *disk, uint64_t offset, void *buf, size_t len) {
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    if (!vb_range_ok(offset, len, disk->capacity))
        return vb_fail(&disk->diag, VB_ERANGE,
                       "read of %zu bytes at offset %llu is past the capacity (%llu bytes)", len,
                       (unsigned long long)offset, (unsigned long long)disk->capacity);
    return link_read(disk, 0, offset, buf, len);
}

static int disk_source_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    return vmdk_read(ctx, offset, buf, len);
}

void vmdk_disk_source(vmdk_disk *disk, vb_source *ret_source) {
    *ret_source = (vb_source){.ctx = disk, .size = disk->capacity, .read = disk_source_read};
}

/* The piece at off through the chain: the first link that is not a hole
 * there (or the last link). */
int vmdk_chain_map(vmdk_disk *disk, uint64_t off, uint64_t max_len, vmdk_piece *ret_piece,
                   unsigned *ret_link) {
    for (unsigned li = 0;; li++) {
        int r = link_map(disk, li, off, max_len, ret_piece);
        if (r)
            return r;
        if (ret_piece->kind != VMDK_PIECE_HOLE || li + 1 >= disk->link_count) {
            *ret_link = li;
            return 0;
        }
        max_len = ret_piece->length;
    }
}

static vmdk_run_kind run_kind(vmdk_piece_kind kind) {
    switch (kind) {
    case VMDK_PIECE_DATA:
    case VMDK_PIECE_COMPRESSED:
        return VMDK_RUN_DATA;
    case VMDK_PIECE_ZERO:
        return VMDK_RUN_ZERO;
    case VMDK_PIECE_HOLE:
        return VMDK_RUN_HOLE;
    case VMDK_PIECE_NOACCESS:
        break;
    }
    return VMDK_RUN_NOACCESS;
}

int vmdk_map(vmdk_disk *disk, uint64_t offset, vmdk_run *ret_run) {
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    if (offset >= disk->capacity)
        return vb_fail(&disk->diag, VB_ERANGE, "map offset %llu is past the capacity (%llu bytes)",
                       (unsigned long long)offset, (unsigned long long)disk->capacity);
    vmdk_piece first, next;
    unsigned link, next_link;
    int r = vmdk_chain_map(disk, offset, disk->capacity - offset, &first, &link);
    if (r)
        return r;
    uint64_t length = first.length;
    /* Extend over following pieces of the same kind, link and extent that
     * continue the same file stretch. */
    while (offset + length < disk->capacity) {
        uint64_t at = offset + length;
        r = vmdk_chain_map(disk, at, disk->capacity - at, &next, &next_link);
        if (r)
            return r;
        if (next_link != link || next.extent != first.extent ||
            run_kind(next.kind) != run_kind(first.kind))
            break;
        if (first.kind == VMDK_PIECE_DATA &&
            (next.kind != VMDK_PIECE_DATA || next.file_offset != first.file_offset + length))
            break;
        length += next.length;
    }
    ret_run->offset = offset;
    ret_run->length = length;
    ret_run->kind = run_kind(first.kind);
    ret_run->link = link;
    ret_run->extent = first.extent - disk->links[link].first_extent;
    ret_run->file_offset = first.kind == VMDK_PIECE_DATA ? first.file_offset : 0;
    return 0;
}
