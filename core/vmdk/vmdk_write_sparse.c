/* vmdk_write_sparse.c: writing into hosted sparse (KDMV) extents: in place
 * over a stored grain; otherwise a new grain at the end of the extent file
 * (the rest of it from the parent link or zeros), and a new grain table
 * (both copies, zeroed) when the directory entry is 0. Entries are queued
 * and linked by the commit, which runs only after the data is flushed:
 * grain tables (primary, then redundant), then, after another flush,
 * directory entries. A crash leaves at worst grains and tables that
 * nothing points at.
 *
 * The end of the file is the extent source's size, which only grows with
 * our own writes; vmdk_write checked that new grains stay below sector
 * 2^32. Tables not in the cache are read raw and checked before they are
 * rewritten. */
#include "vmdk/vmdk_write_internal.h"
#include "lib/util.h"

static const uint8_t zero_sector[VMDK_SECTOR];

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static uint64_t table_sectors(const vmdk_sparse_info *sp) {
    return ((uint64_t)sp->gtes_per_gt * 4 + VMDK_SECTOR - 1) / VMDK_SECTOR;
}

static int put(vmdk_disk *disk, vmdk_extent *ext, uint64_t at, const void *buf, uint64_t len) {
    int r = vb_source_write(&ext->src, at, buf, (size_t)len);
    if (r)
        return vmdk_write_failed(&disk->diag, vmdk_extent_label(ext), r, at, len);
    return 0;
}

/* Reserves `sectors` sectors at the end of the file (padding its last
 * partial sector with zeros first); returns the first sector. */
static int allocate(vmdk_disk *disk, vmdk_extent *ext, uint64_t sectors, uint32_t *ret_sector) {
    uint64_t size = ext->src.size;
    if (size % VMDK_SECTOR) {
        int r = put(disk, ext, size, zero_sector, VMDK_SECTOR - size % VMDK_SECTOR);
        if (r)
            return r;
        size = ext->src.size;
    }
    uint64_t first = size / VMDK_SECTOR;
    if (first + sectors > UINT32_MAX) /* vmdk_write checked: cannot happen */
        return vb_fail(&disk->diag, VB_ELIMIT, "%s: extent file full (sector 2^32)",
                       vmdk_extent_label(ext));
    *ret_sector = (uint32_t)first;
    return 0;
}

/* The queued new table of (ei, gd_index), or NULL. */
static vmdk_write_table *find_table(vmdk_writer *w, unsigned ei, uint64_t gd_index) {
    for (unsigned i = 0; i < w->table_count; i++)
        if (w->tables[i].extent == ei && w->tables[i].gd_index == gd_index)
            return &w->tables[i];
    return NULL;
}

/* Makes sure grain table gd_index of extent ei exists or is queued. */
static int need_table(vmdk_disk *disk, unsigned ei, uint64_t gd_index) {
    vmdk_writer *w = disk->writer;
    vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    uint32_t gde;
    int r = vmdk_gd_entry(disk, ei, sp->active_gd_offset, gd_index, &gde, &disk->diag);
    if (r || gde != 0 || find_table(w, ei, gd_index))
        return r;
    if (w->table_count == VMDK_WRITE_TABLES_MAX) {
        r = vmdk_write_sparse_commit(disk);
        if (r)
            return r;
    }
    vmdk_write_table t = {ei, 0, 0, gd_index};
    uint64_t n = table_sectors(sp);
    vb_memset(w->table_buf, 0, sizeof(w->table_buf));
    r = allocate(disk, ext, n, &t.sector);
    if (!r)
        r = put(disk, ext, (uint64_t)t.sector * VMDK_SECTOR, w->table_buf, n * VMDK_SECTOR);
    if (!r && sp->rgd_usable) {
        r = allocate(disk, ext, n, &t.rsector);
        if (!r)
            r = put(disk, ext, (uint64_t)t.rsector * VMDK_SECTOR, w->table_buf, n * VMDK_SECTOR);
    }
    if (r)
        return r;
    w->tables[w->table_count++] = t;
    return 0;
}

static int queue_grain(vmdk_disk *disk, unsigned ei, uint64_t grain, uint32_t gte) {
    vmdk_writer *w = disk->writer;
    if (w->grain_count == VMDK_WRITE_GRAINS_MAX) {
        int r = vmdk_write_sparse_commit(disk);
        if (r)
            return r;
    }
    w->grains[w->grain_count++] = (vmdk_write_grain){ei, gte, grain};
    return 0;
}

int vmdk_write_sparse_piece(vmdk_disk *disk, unsigned ei, uint64_t off, uint64_t virt,
                            const uint8_t *buf, size_t len, const vmdk_piece *piece) {
    vmdk_writer *w = disk->writer;
    vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    if (piece->kind == VMDK_PIECE_DATA) /* a stored grain: in place, one write */
        return put(disk, ext, piece->file_offset, buf, len);

    /* A hole (the parent's bytes, or zeros) or a zeroed grain: a new grain
     * holding the old content with the new bytes over it. */
    const uint64_t grain_bytes = sp->grain_sectors * VMDK_SECTOR;
    const uint64_t grain = off / grain_bytes, in_grain = off % grain_bytes;
    const uint64_t stored = vmdk_gd_grain_bytes(sp, grain); /* inside the capacity */
    const bool hole = piece->kind == VMDK_PIECE_HOLE;
    uint8_t *g = w->grain_buf;
    vb_memset(g, 0, (size_t)grain_bytes);
    if (hole && disk->link_count > 1) {
        int r = vmdk_link_read(disk, 1, virt - in_grain, g, stored);
        if (r)
            return r;
    }
    vb_memcpy(g + in_grain, buf, len);
    if (all_zero(g, (size_t)stored)) {
        /* Reads as zeros already, or a zeroed-grain entry says so. */
        if (!hole || disk->link_count == 1)
            return 0;
        if (sp->zeroed_gte) {
            int r = need_table(disk, ei, grain / sp->gtes_per_gt);
            return r ? r : queue_grain(disk, ei, grain, 1);
        }
    }
    int r = need_table(disk, ei, grain / sp->gtes_per_gt);
    if (r)
        return r;
    uint32_t sector;
    /* need_table may have committed and reused the buffer's neighbour
     * table_buf, never grain_buf: g is intact. */
    r = allocate(disk, ext, sp->grain_sectors, &sector);
    if (!r)
        r = put(disk, ext, (uint64_t)sector * VMDK_SECTOR, g, grain_bytes);
    if (!r)
        r = queue_grain(disk, ei, grain, sector);
    return r;
}

/* Flushes the files of every extent with queued entries. */
static int flush_queued(vmdk_disk *disk) {
    vmdk_writer *w = disk->writer;
    const void *last = NULL;
    for (unsigned i = 0; i < w->grain_count + w->table_count; i++) {
        unsigned ei =
            i < w->grain_count ? w->grains[i].extent : w->tables[i - w->grain_count].extent;
        const vmdk_extent *ext = &disk->extents[ei];
        if (ext->src.ctx == last)
            continue;
        int r = vb_source_flush(&ext->src);
        if (r)
            return vmdk_write_failed(&disk->diag, vmdk_extent_label(ext), r, 0, 0);
        last = ext->src.ctx;
    }
    return 0;
}

/* The current entries of grain table gd_index (at sector gde) in host
 * order: from the cache, else read from the file and checked. */
static int load_table(vmdk_disk *disk, unsigned ei, uint64_t gd_index, uint32_t gde,
                      uint32_t *entries) {
    const vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    uint64_t at = (uint64_t)gde * VMDK_SECTOR;
    const vmdk_table_block *b = vmdk_cache_find(&disk->cache, ei, VMDK_BLOCK_GT, at);
    if (b) {
        vb_memcpy(entries, b->entries, (size_t)sp->gtes_per_gt * 4);
        return 0;
    }
    uint8_t *raw = disk->writer->table_buf;
    int r = vb_source_read(&ext->src, at, raw, (size_t)sp->gtes_per_gt * 4);
    if (r)
        return vb_fail_read(&disk->diag, r, vmdk_extent_label(ext), at,
                            (uint64_t)sp->gtes_per_gt * 4);
    for (uint32_t i = 0; i < sp->gtes_per_gt; i++) {
        entries[i] = vb_le32(raw + i * 4);
        r = vmdk_gd_check_gte(ext, gd_index, i, entries[i], &disk->diag);
        if (r)
            return r;
    }
    return 0;
}

/* Writes grain table gd_index of extent ei with every queued entry of it
 * (both copies) and updates the cache. */
static int commit_table(vmdk_disk *disk, unsigned ei, uint64_t gd_index) {
    vmdk_writer *w = disk->writer;
    vmdk_extent *ext = &disk->extents[ei];
    const vmdk_sparse_info *sp = &ext->sparse;
    uint32_t entries[VB_GT_BLOCK_ENTRIES];
    uint32_t gde, rgde = 0;
    int r;
    const vmdk_write_table *t = find_table(w, ei, gd_index);
    if (t) {
        gde = t->sector;
        rgde = t->rsector;
        vb_memset(entries, 0, sizeof(entries));
    } else {
        r = vmdk_gd_entry(disk, ei, sp->active_gd_offset, gd_index, &gde, &disk->diag);
        if (!r && sp->rgd_usable)
            r = vmdk_gd_entry(disk, ei, sp->rgd_offset, gd_index, &rgde, &disk->diag);
        if (!r)
            r = load_table(disk, ei, gd_index, gde, entries);
        if (r)
            return r;
        if (gde == 0) /* need_table queued one: cannot happen */
            return vb_fail(&disk->diag, VB_ECORRUPT, "%s: grain table %llu vanished",
                           vmdk_extent_label(ext), (unsigned long long)gd_index);
        if (rgde != 0 && !vmdk_gd_table_in_file(ext, rgde))
            rgde = 0; /* a damaged redundant entry: vmdk check reports it */
    }
    for (unsigned i = 0; i < w->grain_count; i++) {
        const vmdk_write_grain *g = &w->grains[i];
        if (g->extent == ei && g->grain / sp->gtes_per_gt == gd_index)
            entries[g->grain % sp->gtes_per_gt] = g->gte;
    }
    uint8_t *raw = w->table_buf;
    uint64_t bytes = (uint64_t)sp->gtes_per_gt * 4;
    for (uint32_t i = 0; i < sp->gtes_per_gt; i++)
        vb_put_le32(raw + i * 4, entries[i]);
    r = put(disk, ext, (uint64_t)gde * VMDK_SECTOR, raw, bytes);
    if (!r && rgde)
        r = put(disk, ext, (uint64_t)rgde * VMDK_SECTOR, raw, bytes);
    if (r)
        return r;
    vmdk_table_block *b =
        vmdk_cache_find(&disk->cache, ei, VMDK_BLOCK_GT, (uint64_t)gde * VMDK_SECTOR);
    if (b)
        vb_memcpy(b->entries, entries, (size_t)bytes);
    return 0;
}

/* Sets entry gd_index of the directory at gd_offset to value, in the file
 * and in the cache. */
static int put_gde(vmdk_disk *disk, unsigned ei, uint64_t gd_offset, uint64_t gd_index,
                   uint32_t value) {
    vmdk_extent *ext = &disk->extents[ei];
    uint8_t raw[4];
    vb_put_le32(raw, value);
    int r = put(disk, ext, gd_offset * VMDK_SECTOR + gd_index * 4, raw, 4);
    if (r)
        return r;
    uint64_t block = gd_index / VB_GT_BLOCK_ENTRIES;
    vmdk_table_block *b = vmdk_cache_find(
        &disk->cache, ei, VMDK_BLOCK_GD, gd_offset * VMDK_SECTOR + block * VB_GT_BLOCK_ENTRIES * 4);
    if (b)
        b->entries[gd_index % VB_GT_BLOCK_ENTRIES] = value;
    return 0;
}

int vmdk_write_sparse_commit(vmdk_disk *disk) {
    vmdk_writer *w = disk->writer;
    if (!w || (w->grain_count == 0 && w->table_count == 0))
        return 0;
    int r = flush_queued(disk); /* the data, before anything points at it */
    /* Each table with queued entries once, in queue order. */
    for (unsigned i = 0; !r && i < w->grain_count; i++) {
        const vmdk_write_grain *g = &w->grains[i];
        const vmdk_sparse_info *sp = &disk->extents[g->extent].sparse;
        uint64_t gd_index = g->grain / sp->gtes_per_gt;
        bool done = false;
        for (unsigned j = 0; j < i && !done; j++)
            done = w->grains[j].extent == g->extent &&
                   w->grains[j].grain / sp->gtes_per_gt == gd_index;
        if (!done)
            r = commit_table(disk, g->extent, gd_index);
    }
    if (!r && w->table_count)
        r = flush_queued(disk); /* new tables, before the directory points at them */
    for (unsigned i = 0; !r && i < w->table_count; i++) {
        const vmdk_write_table *t = &w->tables[i];
        const vmdk_sparse_info *sp = &disk->extents[t->extent].sparse;
        r = put_gde(disk, t->extent, sp->gd_offset, t->gd_index, t->sector);
        if (!r && t->rsector)
            r = put_gde(disk, t->extent, sp->rgd_offset, t->gd_index, t->rsector);
    }
    w->grain_count = 0;
    w->table_count = 0;
    return r;
}
