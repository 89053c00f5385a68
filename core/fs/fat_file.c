/* fat_file.c: a FAT file as a byte source.
 *
 * At open the whole cluster chain is walked once (loop detection, range
 * checks, and its length against the size in the directory entry), so reads
 * stay within a chain known to be long enough. Reads keep a cursor, so
 * sequential reads never walk the chain from its start again, and a run of
 * contiguous clusters becomes one read of the underlying source. */
#include "fs/fat_impl.h"
#include "lib/util.h"

/* Walks the chain from its first cluster to its end: counts clusters and
 * contiguous runs, and checks it covers the file's size. */
static int file_check_chain(fat_file *f, const char *path) {
    fat_fs *fs = f->fs;
    uint64_t needed = (f->size + fs->cluster_size - 1) / fs->cluster_size;
    f->clusters = 0;
    f->runs = 0;
    if (f->first_cluster == 0) {
        if (f->size != 0)
            return vb_fail(&fs->diag, VB_ECORRUPT, "'%s': %llu bytes but no clusters", path,
                           (unsigned long long)f->size);
        return 0;
    }
    if (!fat_cluster_valid(fs, f->first_cluster))
        return vb_fail(&fs->diag, VB_ECORRUPT, "'%s' starts at cluster %u outside 2..%u", path,
                       f->first_cluster, fs->cluster_count + 1);
    if (needed > fs->cluster_count)
        return vb_fail(&fs->diag, VB_ECORRUPT, "'%s': %llu bytes is more than the volume holds",
                       path, (unsigned long long)f->size);
    fat_walk w;
    fat_walk_start(&w, f->first_cluster);
    uint32_t clusters = 1, runs = 1;
    for (;;) {
        bool end;
        uint32_t prev = w.cluster;
        int r = fat_walk_next(fs, &w, &end);
        if (r)
            return r;
        if (end)
            break;
        clusters++;
        if (w.cluster != prev + 1)
            runs++;
    }
    if (clusters < needed)
        return vb_fail(&fs->diag, VB_ECORRUPT,
                       "'%s': %llu bytes need %llu clusters, the chain has %u", path,
                       (unsigned long long)f->size, (unsigned long long)needed, clusters);
    f->clusters = clusters;
    f->runs = runs;
    return 0;
}

static int file_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    fat_file *f = ctx;
    fat_fs *fs = f->fs;
    uint8_t *out = buf;
    if (!vb_range_ok(offset, len, f->size))
        return VB_ERANGE;
    while (len) {
        uint64_t index = offset / fs->cluster_size;
        uint64_t within = offset % fs->cluster_size;
        if (index < f->cursor.index)
            fat_walk_start(&f->cursor, f->first_cluster);
        bool end;
        while (f->cursor.index < index) {
            int r = fat_walk_next(fs, &f->cursor, &end);
            if (r)
                return r;
            if (end)
                return vb_fail(&fs->diag, VB_ECORRUPT, "cluster chain ends before byte %llu",
                               (unsigned long long)offset);
        }
        /* Extend the run while the next cluster is the adjacent one. */
        uint32_t run_first = f->cursor.cluster;
        uint64_t avail = fs->cluster_size - within;
        while (avail < len) {
            uint32_t prev = f->cursor.cluster;
            fat_walk probe = f->cursor;
            int r = fat_walk_next(fs, &probe, &end);
            if (r)
                return r;
            if (end || probe.cluster != prev + 1)
                break;
            f->cursor = probe;
            avail += fs->cluster_size;
        }
        size_t chunk = (size_t)VB_MIN(avail, (uint64_t)len);
        int r = vb_source_read(&fs->src, fat_cluster_offset(fs, run_first) + within, out, chunk);
        if (r)
            return vb_fail(&fs->diag, r, "cannot read cluster %u: %s", run_first,
                           vb_err_message(r));
        out += chunk;
        offset += chunk;
        len -= chunk;
    }
    return 0;
}

int fat_lookup(fat_fs *fs, const char *path, fat_file *file, vb_source *ret_source) {
    fat_dirent ent;
    int r = fat_find(fs, path, &ent);
    if (r)
        return r;
    if (ent.is_dir)
        return vb_fail(&fs->diag, VB_EINVAL, "'%s' is a directory", path);
    fat_file f;
    vb_memset(&f, 0, sizeof(f));
    f.fs = fs;
    f.first_cluster = ent.first_cluster;
    f.size = ent.size;
    r = file_check_chain(&f, path);
    if (r)
        return r;
    fat_walk_start(&f.cursor, f.first_cluster);
    *file = f;
    *ret_source = (vb_source){.ctx = file, .size = file->size, .read = file_read};
    return 0;
}
