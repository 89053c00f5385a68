/* vmdk_fill.c: one new sparse extent written front to back (see
 * vmdk_fill.h). Offsets stay below 2^32 sectors: vmdk_layout_sparse_init
 * refused any extent whose fully stored file could not be addressed. */
#include "vmdk/vmdk_fill.h"

#include "lib/util.h"

#define GRAIN_BYTES ((uint64_t)VMDK_LAYOUT_GRAIN_SECTORS * 512)

static const uint8_t zero_sector[512];

static int write_at(vmdk_fill *f, uint64_t sector, const void *buf, uint64_t len,
                    const char *what) {
    int err = vb_source_write(f->file, sector * 512, buf, (size_t)len);
    if (err)
        return vb_fail(f->diag, err, "%s: cannot write %s at sector %llu", f->name, what,
                       (unsigned long long)sector);
    return 0;
}

static int flush(vmdk_fill *f) {
    int err = vb_source_flush(f->file);
    return err ? vb_fail(f->diag, err, "%s: flush failed", f->name) : 0;
}

int vmdk_fill_begin(vmdk_fill *f, vb_source *file, uint64_t capacity, const char *name,
                    vb_diag *diag) {
    vb_memset(f, 0, sizeof(*f));
    f->file = file;
    f->diag = diag;
    f->name = name;
    int err = vmdk_layout_sparse_init(capacity, &f->layout);
    if (err)
        return vb_fail(diag, err, "%s: %llu sectors do not fit one sparse extent", name,
                       (unsigned long long)capacity);
    f->free_sector = f->layout.overhead;
    f->gt_index = VMDK_FILL_NO_TABLE;
    return 0;
}

/* Both copies of the table in gt[]: the redundant one first, like the
 * directories, so the primary is never ahead of its backup. */
static int write_table(vmdk_fill *f) {
    if (f->gt_index == VMDK_FILL_NO_TABLE)
        return 0;
    uint64_t at = f->gt_index * VMDK_LAYOUT_GT_SECTORS;
    int err = write_at(f, f->layout.rgt_offset + at, f->gt, sizeof(f->gt), "redundant grain table");
    if (!err)
        err = write_at(f, f->layout.gt_offset + at, f->gt, sizeof(f->gt), "grain table");
    f->gt_index = VMDK_FILL_NO_TABLE;
    return err;
}

int vmdk_fill_put(vmdk_fill *f, uint64_t grain, uint64_t count, const void *data, uint64_t bytes) {
    const vmdk_layout_sparse *l = &f->layout;
    if (count == 0 || grain < f->next_grain || grain > l->grains || count > l->grains - grain)
        return vb_fail(f->diag, VB_EINVAL, "%s: grains %llu+%llu out of order or past %llu",
                       f->name, (unsigned long long)grain, (unsigned long long)count,
                       (unsigned long long)l->grains);
    /* Whole grains, except that the extent's last grain may be partial. */
    uint64_t last_bytes = (l->capacity - (l->grains - 1) * VMDK_LAYOUT_GRAIN_SECTORS) * 512;
    uint64_t want =
        (count - 1) * GRAIN_BYTES + (grain + count == l->grains ? last_bytes : GRAIN_BYTES);
    if (bytes != want && bytes != count * GRAIN_BYTES)
        return vb_fail(f->diag, VB_EINVAL, "%s: %llu bytes for %llu grains", f->name,
                       (unsigned long long)bytes, (unsigned long long)count);
    uint64_t first = f->free_sector;
    int err = write_at(f, first, data, bytes, "grains");
    if (err)
        return err;
    if (bytes % GRAIN_BYTES) {
        /* A partial last grain still takes a whole grain in the file. */
        err = write_at(f, first + count * VMDK_LAYOUT_GRAIN_SECTORS - 1, zero_sector, 512,
                       "the end of the last grain");
        if (err)
            return err;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t g = grain + i, table = g / VMDK_LAYOUT_GTES;
        if (table != f->gt_index) {
            err = write_table(f);
            if (err)
                return err;
            vb_memset(f->gt, 0, sizeof(f->gt));
            f->gt_index = table;
        }
        vb_put_le32(f->gt + (g % VMDK_LAYOUT_GTES) * 4,
                    (uint32_t)(first + i * VMDK_LAYOUT_GRAIN_SECTORS));
    }
    f->free_sector = first + count * VMDK_LAYOUT_GRAIN_SECTORS;
    f->next_grain = grain + count;
    return 0;
}

/* One grain directory: entry i points at table i of its copy. */
static int write_directory(vmdk_fill *f, uint64_t gd, uint64_t tables, const char *what) {
    const vmdk_layout_sparse *l = &f->layout;
    for (uint64_t s = 0; s < l->gd_sectors; s++) {
        vb_memset(f->sector, 0, sizeof(f->sector));
        for (uint64_t i = 0; i < 128 && s * 128 + i < l->gt_count; i++)
            vb_put_le32(f->sector + i * 4,
                        (uint32_t)(tables + (s * 128 + i) * VMDK_LAYOUT_GT_SECTORS));
        int err = write_at(f, gd + s, f->sector, 512, what);
        if (err)
            return err;
    }
    return 0;
}

int vmdk_fill_finish(vmdk_fill *f, const char *descriptor, size_t len) {
    const vmdk_layout_sparse *l = &f->layout;
    int err = write_table(f);
    if (!err &&
        f->free_sector == l->overhead) /* nothing stored: the file still spans the overhead */
        err = write_at(f, l->overhead - 1, zero_sector, 512, "the end of the metadata");
    if (!err)
        err = write_directory(f, l->rgd_offset, l->rgt_offset, "redundant grain directory");
    if (!err)
        err = write_directory(f, l->gd_offset, l->gt_offset, "grain directory");
    for (uint64_t s = 0; !err && descriptor && s < VMDK_LAYOUT_DESC_SECTORS; s++) {
        vb_memset(f->sector, 0, sizeof(f->sector));
        if (s * 512 < len)
            vb_memcpy(f->sector, descriptor + s * 512, VB_MIN((size_t)512, len - s * 512));
        err = write_at(f, VMDK_LAYOUT_DESC_OFFSET + s, f->sector, 512, "descriptor");
    }
    if (!err)
        err = flush(f);
    if (err)
        return err;
    /* Last: until the header lands, the file is not a VMDK at all. */
    vmdk_layout_header(l, f->sector);
    err = write_at(f, 0, f->sector, 512, "header");
    return err ? err : flush(f);
}
