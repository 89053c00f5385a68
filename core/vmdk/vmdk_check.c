/* vmdk_check.c: full metadata validation of an open disk, reporting every
 * problem found through a callback (the host tool's `vmdk check`).
 *
 * Checked, per link: createType against the extent types, descriptor
 * version, the parent's CID (when ignore_cid let the open through). Per
 * sparse extent: overHead within the file; both grain directories (every
 * entry names a whole table inside the file) and every grain table (every
 * entry names a grain inside the file, outside the header and embedded
 * descriptor); the redundant tables equal the primary ones (after an
 * unclean shutdown they may lack entries the primary has); no two entries
 * point at the same grain; for compressed grains, the marker each entry
 * points at (its LBA, and a compressed size inside the bound and the file).
 *
 * Memory: no heap. Duplicate grains are found with a bitmap of
 * VB_CHECK_BITMAP_BYTES in the disk's scratch buffer, one bit per
 * grain-sized slot (sector / grainSize; sectors for compressed grains) of
 * the extent file. A file with
 * more slots than bits is checked in several passes over its tables, each
 * pass covering the next window of slots. This finds every pair of entries
 * with the same value and every pair of grains that start within the same
 * grain-aligned slot (which overlap); two unaligned grains that overlap
 * across a slot boundary are not detected. Tables are read raw (not via the
 * cache, which would hide a bad primary behind its redundant copy). */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

#define GT_BUF_BYTES 16384u /* one whole COWD table (4096 x 4); KDMV tables are <= 2 KiB */

typedef struct check_state {
    vmdk_disk *disk;
    vmdk_report_fn report;
    void *ctx;
    int first_err;
    unsigned long problems;
    /* duplicate pass */
    uint64_t window_start; /* first slot of the bitmap window */
    uint64_t min_slot, max_slot;
    bool any_slot;
} check_state;

static void problem(check_state *st, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(check_state *st, int err, const char *fmt, ...) {
    char line[VB_DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vb_vformat(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (st->problems++ == 0) {
        st->first_err = err;
        st->disk->diag.err = err;
        vb_memcpy(st->disk->diag.text, line, sizeof(line));
    }
    if (st->report)
        st->report(st->ctx, err, line);
}

static uint8_t *bitmap(vmdk_disk *disk) {
    return disk->scratch;
}
static uint8_t *gt_buf(vmdk_disk *disk, int which) {
    return disk->scratch + VB_CHECK_BITMAP_BYTES + (size_t)which * GT_BUF_BYTES;
}

/* ---- per link ---- */

typedef struct type_rule {
    const char *create_type;
    uint8_t allowed; /* bit per vmdk_extent_type */
    bool single;     /* exactly one extent */
} type_rule;

#define T(x) (1u << (x))
static const type_rule rules[] = {
    {"monolithicSparse", T(VMDK_EXTENT_SPARSE), true},
    {"streamOptimized", T(VMDK_EXTENT_SPARSE), true},
    {"monolithicFlat", T(VMDK_EXTENT_FLAT), false},
    {"twoGbMaxExtentSparse", T(VMDK_EXTENT_SPARSE), false},
    {"2GbMaxExtentSparse", T(VMDK_EXTENT_SPARSE), false},
    {"twoGbMaxExtentFlat", T(VMDK_EXTENT_FLAT), false},
    {"2GbMaxExtentFlat", T(VMDK_EXTENT_FLAT), false},
    {"vmfs", T(VMDK_EXTENT_VMFS) | T(VMDK_EXTENT_FLAT), false},
    {"vmfsPreallocated", T(VMDK_EXTENT_VMFS) | T(VMDK_EXTENT_FLAT), false},
    {"vmfsEagerZeroedThick", T(VMDK_EXTENT_VMFS) | T(VMDK_EXTENT_FLAT), false},
    {"vmfsThin", T(VMDK_EXTENT_VMFS) | T(VMDK_EXTENT_FLAT), false},
    {"vmfsSparse", T(VMDK_EXTENT_VMFSSPARSE), false},
    {"vmfsRaw", T(VMDK_EXTENT_VMFSRAW) | T(VMDK_EXTENT_VMFS), false},
    {"vmfsRDM", T(VMDK_EXTENT_VMFSRDM) | T(VMDK_EXTENT_VMFS), false},
    {"vmfsRDMP", T(VMDK_EXTENT_VMFSRDM) | T(VMDK_EXTENT_VMFS), false},
};
#undef T

static void check_link(check_state *st, unsigned li) {
    vmdk_disk *disk = st->disk;
    const vmdk_link *link = &disk->links[li];
    if (!link->has_descriptor)
        return;
    if (link->version < 1 || link->version > 3)
        problem(st, VB_EDESCRIPTOR, "%s: descriptor version %u is not 1, 2 or 3", link->path,
                link->version);
    for (size_t r = 0; r < VB_ARRAY_SIZE(rules); r++) {
        if (!vb_str_ieq(link->create_type, rules[r].create_type))
            continue;
        if (rules[r].single && link->extent_count != 1)
            problem(st, VB_EDESCRIPTOR, "%s: createType %s has %u extents, expected 1", link->path,
                    link->create_type, link->extent_count);
        for (unsigned i = 0; i < link->extent_count; i++) {
            const vmdk_extent *ext = &disk->extents[link->first_extent + i];
            if (ext->type != VMDK_EXTENT_ZERO && !(rules[r].allowed & (1u << ext->type)))
                problem(st, VB_EDESCRIPTOR, "%s: createType %s but extent %u is %s", link->path,
                        link->create_type, i, vmdk_extent_type_name(ext->type));
        }
    }
    if (li + 1 < disk->link_count) {
        const vmdk_link *parent = &disk->links[li + 1];
        if (parent->has_descriptor && parent->cid != link->parent_cid)
            problem(st, VB_ECID, "%s: parentCID %08x does not match CID %08x of parent %s",
                    link->path, link->parent_cid, parent->cid, parent->path);
    } else if (link->parent_cid != VMDK_CID_NONE) {
        problem(st, VB_EDESCRIPTOR, "%s: parentCID is %08x but there is no parentFileNameHint",
                link->path, link->parent_cid);
    }
}

/* ---- per sparse extent ---- */

/* Reads grain table gde (all entries, host order) into buf; reports and
 * returns false if it cannot. */
static bool read_table(check_state *st, const vmdk_extent *ext, uint32_t gde, uint8_t *buf,
                       const char *which, uint64_t gd_index) {
    uint64_t bytes = (uint64_t)ext->sparse.gtes_per_gt * 4;
    int r = vb_source_read(&ext->src, (uint64_t)gde * VMDK_SECTOR, buf, (size_t)bytes);
    if (r) {
        problem(st, r, "%s: %s table %llu at sector %u cannot be read: %s", vmdk_extent_label(ext),
                which, (unsigned long long)gd_index, gde, vb_err_message(r));
        return false;
    }
    return true;
}

/* Grain-directory entry gd_index of the directory at gd_offset, or false
 * (reported) when the directory cannot be read. */
static bool read_gde(check_state *st, unsigned ei, uint64_t gd_offset, uint64_t gd_index,
                     uint32_t *ret_gde) {
    vb_diag d;
    int r = vmdk_gd_entry(st->disk, ei, gd_offset, gd_index, ret_gde, &d);
    if (r) {
        problem(st, r, "%s", d.text);
        return false;
    }
    return true;
}

/* Checks one grain directory copy and all its tables. */
static void check_directory(check_state *st, unsigned ei, uint64_t gd_offset, const char *which) {
    vmdk_disk *disk = st->disk;
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    uint64_t at;
    if (gd_offset < 1 || vb_mul_overflow_u64(gd_offset, VMDK_SECTOR, &at) ||
        !vb_range_ok(at, sp->gd_entries * 4, ext->src.size)) {
        problem(st, VB_ECORRUPT,
                "%s: %s grain directory (%llu entries at sector %llu) does not fit in the file",
                name, which, (unsigned long long)sp->gd_entries, (unsigned long long)gd_offset);
        return;
    }
    for (uint64_t i = 0; i < sp->gd_entries; i++) {
        uint32_t gde;
        if (!read_gde(st, ei, gd_offset, i, &gde))
            return;
        if (gde == 0)
            continue;
        if (!vmdk_gd_table_in_file(ext, gde)) {
            problem(st, VB_ECORRUPT,
                    "%s: %s grain directory entry %llu points outside the file or into the "
                    "header: sector %u",
                    name, which, (unsigned long long)i, gde);
            continue;
        }
        uint8_t *gt = gt_buf(disk, 0);
        if (!read_table(st, ext, gde, gt, which, i))
            continue;
        for (uint32_t j = 0; j < sp->gtes_per_gt; j++) {
            vb_diag d;
            uint32_t gte = vb_le32(gt + j * 4);
            if (vmdk_gd_check_gte(ext, i, j, gte, &d))
                problem(st, d.err, "%s (%s copy)", d.text, which);
            else if (sp->compressed && gte != 0 && !vmdk_gte_is_zero(sp, gte) &&
                     vmdk_stream_check_grain(disk, ei, i * sp->gtes_per_gt + j, gte, &d))
                problem(st, d.err, "%s (%s copy)", d.text, which);
        }
    }
}

/* The redundant tables must equal the primary ones. */
static void compare_copies(check_state *st, unsigned ei) {
    vmdk_disk *disk = st->disk;
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    for (uint64_t i = 0; i < sp->gd_entries; i++) {
        uint32_t a, b;
        if (!read_gde(st, ei, sp->gd_offset, i, &a) || !read_gde(st, ei, sp->rgd_offset, i, &b))
            return;
        /* An interrupted write (uncleanShutdown set) may leave the
         * redundant copy behind the primary: a new table or grain the
         * primary has and the copy does not yet, never the reverse. */
        bool lagging_ok = sp->unclean_shutdown != 0;
        if (a != 0 && b == 0 && lagging_ok)
            continue;
        if ((a == 0) != (b == 0)) {
            problem(st, VB_ECORRUPT,
                    "%s: grain directory entry %llu is %u but its redundant copy is %u", name,
                    (unsigned long long)i, a, b);
            continue;
        }
        if (a == 0 || !vmdk_gd_table_in_file(ext, a) || !vmdk_gd_table_in_file(ext, b))
            continue; /* reported by check_directory */
        uint8_t *ta = gt_buf(disk, 0), *tb = gt_buf(disk, 1);
        if (!read_table(st, ext, a, ta, "primary", i) ||
            !read_table(st, ext, b, tb, "redundant", i))
            continue;
        for (uint32_t j = 0; j < sp->gtes_per_gt; j++)
            if (vb_le32(ta + j * 4) != vb_le32(tb + j * 4) &&
                !(lagging_ok && vb_le32(tb + j * 4) == 0)) {
                problem(st, VB_ECORRUPT,
                        "%s: grain table %llu entry %u is %u but its redundant copy is %u", name,
                        (unsigned long long)i, j, vb_le32(ta + j * 4), vb_le32(tb + j * 4));
                break;
            }
    }
}

/* Calls visit(st, ext, gd_index, gt_index, gte) for every grain entry of the
 * active directory that points at stored data inside the file. */
typedef void (*gte_visitor)(check_state *st, const vmdk_extent *ext, uint64_t gd_index,
                            uint32_t gt_index, uint32_t gte);

static void walk_grains(check_state *st, unsigned ei, gte_visitor visit) {
    vmdk_disk *disk = st->disk;
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    vb_diag d; /* what fails here is reported by check_directory */
    for (uint64_t i = 0; i < sp->gd_entries; i++) {
        uint32_t gde;
        int r = vmdk_gd_entry(disk, ei, sp->active_gd_offset, i, &gde, &d);
        if (r || gde == 0 || !vmdk_gd_table_in_file(ext, gde))
            continue;
        uint8_t *gt = gt_buf(disk, 0);
        if (vb_source_read(&ext->src, (uint64_t)gde * VMDK_SECTOR, gt,
                           (size_t)sp->gtes_per_gt * 4) != 0)
            continue;
        for (uint32_t j = 0; j < sp->gtes_per_gt; j++) {
            uint32_t gte = vb_le32(gt + j * 4);
            if (gte == 0 || vmdk_gte_is_zero(sp, gte) || vmdk_gd_check_gte(ext, i, j, gte, &d))
                continue;
            visit(st, ext, i, j, gte);
        }
    }
}

/* Bitmap slot size: a grain, or one sector for compressed grains (which
 * are packed, each starting on its own sector). */
static uint64_t slot_sectors(const vmdk_sparse_info *sp) {
    return sp->compressed ? 1 : sp->grain_sectors;
}

static void visit_range(check_state *st, const vmdk_extent *ext, uint64_t gd_index,
                        uint32_t gt_index, uint32_t gte) {
    (void)gd_index;
    (void)gt_index;
    uint64_t slot = gte / slot_sectors(&ext->sparse);
    if (!st->any_slot || slot < st->min_slot)
        st->min_slot = slot;
    if (!st->any_slot || slot > st->max_slot)
        st->max_slot = slot;
    st->any_slot = true;
}

static void visit_mark(check_state *st, const vmdk_extent *ext, uint64_t gd_index,
                       uint32_t gt_index, uint32_t gte) {
    uint64_t slot = gte / slot_sectors(&ext->sparse);
    const uint64_t bits = (uint64_t)VB_CHECK_BITMAP_BYTES * 8;
    if (slot < st->window_start || slot - st->window_start >= bits)
        return;
    uint64_t bit = slot - st->window_start;
    uint8_t *map = bitmap(st->disk);
    if (map[bit / 8] & (1u << (bit % 8)))
        problem(st, VB_ECORRUPT,
                "%s: grain table %llu entry %u points at a grain already used by another entry "
                "(sector %u)",
                vmdk_extent_label(ext), (unsigned long long)gd_index, gt_index, gte);
    map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void check_duplicates(check_state *st, unsigned ei) {
    st->any_slot = false;
    walk_grains(st, ei, visit_range);
    if (!st->any_slot)
        return;
    const uint64_t bits = (uint64_t)VB_CHECK_BITMAP_BYTES * 8;
    for (st->window_start = st->min_slot; st->window_start <= st->max_slot;) {
        vb_memset(bitmap(st->disk), 0, VB_CHECK_BITMAP_BYTES);
        walk_grains(st, ei, visit_mark);
        if (st->max_slot - st->window_start < bits)
            break;
        st->window_start += bits;
    }
}

static void check_sparse(check_state *st, unsigned ei) {
    vmdk_disk *disk = st->disk;
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    const char *name = vmdk_extent_label(ext);
    if (sp->format == VMDK_SPARSE_KDMV && sp->overhead > ext->src.size / VMDK_SECTOR)
        problem(st, VB_ECORRUPT, "%s: overHead %llu sectors is past the end of file (%llu)", name,
                (unsigned long long)sp->overhead,
                (unsigned long long)(ext->src.size / VMDK_SECTOR));
    if (sp->stream_layout == VMDK_STREAM_WALKED) {
        /* No usable directory to check: say how the map was recovered. */
        const vmdk_stream_state *ss = &disk->stream;
        problem(st, ss->walk_cause,
                "%s: no usable grain directory; %u grains found by marker walk (stopped at "
                "sector %llu: %s)",
                name, ss->walk_count, (unsigned long long)ss->walk_end_sector,
                vmdk_walk_end_name(ss->walk_end));
        return;
    }
    check_directory(st, ei, sp->gd_offset, "primary");
    if (sp->flags & VMDK_FLAG_REDUNDANT_GD && sp->format == VMDK_SPARSE_KDMV) {
        if (sp->rgd_offset == 0) {
            problem(st, VB_ECORRUPT, "%s: redundant grain directory flag set but rgdOffset is 0",
                    name);
        } else {
            check_directory(st, ei, sp->rgd_offset, "redundant");
            if (sp->rgd_usable)
                compare_copies(st, ei);
        }
    }
    check_duplicates(st, ei);
}

int vmdk_check(vmdk_disk *disk, vmdk_report_fn report, void *ctx) {
    if (!disk->is_open)
        return vb_fail(&disk->diag, VB_EINVAL, "disk is not open");
    check_state st = {disk, report, ctx, 0, 0, 0, 0, 0, false};
    vb_diag_clear(&disk->diag);
    for (unsigned li = 0; li < disk->link_count; li++) {
        check_link(&st, li);
        const vmdk_link *link = &disk->links[li];
        for (unsigned i = 0; i < link->extent_count; i++) {
            unsigned ei = link->first_extent + i;
            if (disk->extents[ei].has_source && disk->extents[ei].sparse.format != VMDK_SPARSE_NONE)
                check_sparse(&st, ei);
        }
    }
    return st.first_err;
}
