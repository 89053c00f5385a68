/* ext4_map.c: an inode's bytes: extent trees, classic block maps (direct,
 * indirect, double, triple), inline data, and reads through them.
 *
 * Trusts nothing: extent nodes must have the right magic, entry counts
 * within the node, depth <= 5 and exactly one less than the parent's, and
 * no node may be its own ancestor (VB_ELOOP); entries must be sorted,
 * non-overlapping and inside the logical range their parent gives them;
 * every extent and block pointer must lie inside the filesystem. Holes and
 * uninitialized extents read as zeros. Mappings are cached per file as
 * runs of blocks (ext4_file.runs), so sequential reads walk the tree once
 * per VB_EXT4_RUNS runs, and a run contiguous on disk is one source read. */
#include "fs/ext4_impl.h"
#include "lib/util.h"

#define EXT_MAGIC     0xF30A
#define EXT_MAX_DEPTH 5
#define EXT_HEADER    12 /* magic u16, entries u16, max u16, depth u16, generation u32 */
#define EXT_ENTRY                                                                                  \
    12                       /* index: block u32, leaf_lo u32, leaf_hi u16; leaf: block u32,       \
                                len u16, start_hi u16, start_lo u32 */
#define EXT_INIT_MAX  32768u /* longest initialized extent; longer lengths are uninitialized */
#define EXT_CHUNK     32     /* entries read at a time */
#define BMAP_CHUNK    64     /* block pointers read at a time */
#define LOGICAL_LIMIT (1ull << 32) /* logical block numbers are 32-bit */
#define BMAP_DIRECT   12
#define XATTR_MAGIC   0xEA020000u
#define XATTR_SYSTEM  7 /* name index of "system." */
#define XATTR_ENTRY                                                                                \
    16 /* name_len u8, index u8, value_offs u16, value_inum u32,                                   \
          value_size u32, hash u32, then the name */

VB_STATIC_ASSERT(VB_EXT4_RUNS >= 2, "an extent and the gap before it");

/* Appends [logical, +count) at start (0 = zeros) to the run cache, merging
 * with the last run when it continues it. Returns false when full. */
static bool add_run(ext4_file *f, uint64_t logical, uint64_t count, uint64_t start) {
    if (count == 0)
        return true;
    if (f->run_count > 0) {
        ext4_run *last = &f->runs[f->run_count - 1];
        if (last->logical + last->count == logical &&
            ((start == 0 && last->start == 0) ||
             (start != 0 && last->start != 0 && last->start + last->count == start))) {
            last->count += count;
            return true;
        }
    }
    if (f->run_count == VB_EXT4_RUNS)
        return false;
    f->runs[f->run_count++] = (ext4_run){logical, count, start};
    return true;
}

/* Copies n entries of an extent node (in the inode or in block `block`). */
static int ext_entries(ext4_file *f, uint64_t block, uint32_t first, uint32_t n, uint8_t *out) {
    if (block == 0) {
        vb_memcpy(out, f->i_block + EXT_HEADER + first * EXT_ENTRY, (size_t)n * EXT_ENTRY);
        return 0;
    }
    ext4_fs *fs = f->fs;
    uint64_t off = (block << fs->block_shift) + EXT_HEADER + (uint64_t)first * EXT_ENTRY;
    int r = vb_source_read(&fs->src, off, out, (size_t)n * EXT_ENTRY);
    if (r)
        return vb_fail(&fs->diag, r, "inode %u: cannot read extent block %llu: %s", f->ino,
                       (unsigned long long)block, vb_err_message(r));
    return 0;
}

/* The entries of one extent node, read EXT_CHUNK at a time. */
typedef struct ext_node {
    ext4_file *f;
    uint64_t block;   /* 0: the root, in the inode */
    uint32_t entries; /* in the node (checked against its capacity) */
    uint32_t next;    /* index of the entry ext_next gives next */
    uint8_t buf[EXT_CHUNK * EXT_ENTRY];
} ext_node;

/* Sets *ret to the next entry of the node (reading its chunk first when it
 * starts one). Returns 1, 0 after the last entry, or a read error. */
static int ext_next(ext_node *node, const uint8_t **ret) {
    if (node->next >= node->entries)
        return 0;
    uint32_t k = node->next % EXT_CHUNK;
    if (k == 0) {
        uint32_t n = VB_MIN(node->entries - node->next, (uint32_t)EXT_CHUNK);
        int r = ext_entries(node->f, node->block, node->next, n, node->buf);
        if (r)
            return r;
    }
    *ret = node->buf + k * EXT_ENTRY;
    node->next++;
    return 1;
}

/* Where an index node sends lblk: the last child starting at or before it
 * (found, child, child_lo), and where the next child starts (next; hi when
 * none). Not found means lblk lies before the first child: a hole. */
typedef struct ext_child {
    bool found;
    uint64_t child, child_lo, next;
} ext_child;

/* Scans the index node for lblk; its entries must be sorted and inside
 * [lo, hi). */
static int ext_find_child(ext_node *node, uint64_t lblk, uint64_t lo, uint64_t hi, ext_child *ret) {
    ext4_file *f = node->f;
    uint64_t prev = 0;
    const uint8_t *x;
    int r;
    *ret = (ext_child){false, 0, 0, hi};
    while ((r = ext_next(node, &x)) == 1) {
        uint32_t index = node->next - 1;
        uint64_t first = vb_le32(x);
        if (first < lo || first >= hi || (index > 0 && first <= prev))
            return vb_fail(&f->fs->diag, VB_ECORRUPT,
                           "inode %u: extent index entry %u (block %llu) out of order", f->ino,
                           index, (unsigned long long)first);
        prev = first;
        if (first > lblk) {
            ret->next = first;
            return 0;
        }
        ret->found = true;
        ret->child_lo = first;
        ret->child = vb_le32(x + 4) | ((uint64_t)vb_le16(x + 8) << 32);
    }
    return r;
}

/* Leaf node covering [lo, hi): runs from the extent or gap holding lblk
 * onwards, until the node or the run cache ends. */
static int ext_leaf_runs(ext_node *node, uint64_t lblk, uint64_t lo, uint64_t hi) {
    ext4_file *f = node->f;
    ext4_fs *fs = f->fs;
    vb_diag *d = &fs->diag;
    uint64_t cursor = lo;
    const uint8_t *x;
    int r;
    while ((r = ext_next(node, &x)) == 1) {
        uint32_t index = node->next - 1;
        uint64_t first = vb_le32(x);
        uint32_t len = vb_le16(x + 4);
        uint64_t start = vb_le32(x + 8) | ((uint64_t)vb_le16(x + 6) << 32);
        bool uninit = len > EXT_INIT_MAX;
        if (uninit)
            len -= EXT_INIT_MAX;
        if (len == 0 || first < cursor || first + len > hi)
            return vb_fail(d, VB_ECORRUPT,
                           "inode %u: extent %u (blocks %llu+%u) overlaps or leaves its node",
                           f->ino, index, (unsigned long long)first, len);
        if (start == 0 || start >= fs->block_count || len > fs->block_count - start)
            return vb_fail(
                d, VB_ECORRUPT, "inode %u: extent at block %llu+%u is past the end (%llu blocks)",
                f->ino, (unsigned long long)start, len, (unsigned long long)fs->block_count);
        if (first + len <= lblk) {
            cursor = first + len;
            continue;
        }
        uint64_t from = VB_MAX(cursor, lblk);
        if (f->run_count + (first > from ? 2 : 1) > VB_EXT4_RUNS)
            return 0; /* the cache is full */
        if (first > from)
            add_run(f, from, first - from, 0);
        from = VB_MAX(first, lblk);
        add_run(f, from, first + len - from, uninit ? 0 : start + (from - first));
        cursor = first + len;
    }
    if (r)
        return r;
    if (f->run_count < VB_EXT4_RUNS) {
        uint64_t from = VB_MAX(cursor, lblk);
        add_run(f, from, hi - from, 0);
    }
    return 0;
}

/* Fills the run cache starting with the run that holds lblk, from the
 * extent tree. */
static int ext_walk(ext4_file *f, uint64_t lblk) {
    ext4_fs *fs = f->fs;
    vb_diag *d = &fs->diag;
    uint8_t hdr[EXT_HEADER];
    ext_node node;
    uint64_t path[EXT_MAX_DEPTH];
    uint32_t levels = 0, want_depth = 0;
    uint64_t block = 0; /* 0: the root, in the inode */
    uint64_t lo = 0, hi = LOGICAL_LIMIT;
    vb_memcpy(hdr, f->i_block, EXT_HEADER);
    for (;;) {
        uint32_t entries = vb_le16(hdr + 2), max = vb_le16(hdr + 4), depth = vb_le16(hdr + 6);
        uint32_t capacity = block ? (fs->block_size - EXT_HEADER) / EXT_ENTRY
                                  : (EXT4_I_BLOCK_BYTES - EXT_HEADER) / EXT_ENTRY;
        if (vb_le16(hdr) != EXT_MAGIC)
            return vb_fail(d, VB_ECORRUPT, "inode %u: bad extent header magic 0x%04x (block %llu)",
                           f->ino, vb_le16(hdr), (unsigned long long)block);
        if (entries > max || max > capacity)
            return vb_fail(d, VB_ECORRUPT,
                           "inode %u: extent node with %u of %u entries (room for %u)", f->ino,
                           entries, max, capacity);
        if (block == 0 ? depth > EXT_MAX_DEPTH : depth != want_depth)
            return vb_fail(d, VB_ECORRUPT, "inode %u: extent node of depth %u (%s %u)", f->ino,
                           depth, block ? "expected" : "at most",
                           block ? want_depth : EXT_MAX_DEPTH);
        node.f = f;
        node.block = block;
        node.entries = entries;
        node.next = 0;
        if (depth == 0)
            return ext_leaf_runs(&node, lblk, lo, hi);
        ext_child c;
        int r = ext_find_child(&node, lblk, lo, hi, &c);
        if (r)
            return r;
        if (!c.found) { /* lblk lies before the first child: a hole */
            add_run(f, lblk, c.next - lblk, 0);
            return 0;
        }
        if (c.child == 0 || c.child >= fs->block_count)
            return vb_fail(d, VB_ECORRUPT, "inode %u: extent index points at block %llu (of %llu)",
                           f->ino, (unsigned long long)c.child,
                           (unsigned long long)fs->block_count);
        for (uint32_t k = 0; k < levels; k++)
            if (path[k] == c.child)
                return vb_fail(d, VB_ELOOP, "inode %u: extent tree loops at block %llu", f->ino,
                               (unsigned long long)c.child);
        path[levels++] = c.child; /* levels <= depth of the root <= 5 */
        lo = c.child_lo;
        hi = c.next;
        block = c.child;
        want_depth = depth - 1;
        r = vb_source_read(&fs->src, block << fs->block_shift, hdr, sizeof(hdr));
        if (r)
            return vb_fail(d, r, "inode %u: cannot read extent block %llu: %s", f->ino,
                           (unsigned long long)block, vb_err_message(r));
    }
}

/* Reads block pointer `index` of indirect block `block`. */
static int bmap_pointers(ext4_file *f, uint64_t block, uint64_t index, uint32_t n, uint8_t *out) {
    ext4_fs *fs = f->fs;
    if (block >= fs->block_count)
        return vb_fail(&fs->diag, VB_ECORRUPT, "inode %u: indirect block %llu past the end (%llu)",
                       f->ino, (unsigned long long)block, (unsigned long long)fs->block_count);
    int r = vb_source_read(&fs->src, (block << fs->block_shift) + index * 4, out, (size_t)n * 4);
    if (r)
        return vb_fail(&fs->diag, r, "inode %u: cannot read indirect block %llu: %s", f->ino,
                       (unsigned long long)block, vb_err_message(r));
    return 0;
}

/* Adds runs for consecutive pointers (0 = hole) mapping logical blocks
 * lblk, lblk + 1, ... until the cache is full. */
static int bmap_add(ext4_file *f, uint64_t lblk, const uint8_t *ptrs, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        uint64_t p = vb_le32(ptrs + 4 * i);
        if (p >= f->fs->block_count)
            return vb_fail(&f->fs->diag, VB_ECORRUPT,
                           "inode %u: block pointer %llu past the end (%llu blocks)", f->ino,
                           (unsigned long long)p, (unsigned long long)f->fs->block_count);
        if (!add_run(f, lblk + i, 1, p))
            break;
    }
    return 0;
}

/* Fills the run cache starting at lblk from the classic block map. */
static int bmap_walk(ext4_file *f, uint64_t lblk) {
    uint32_t shift = f->fs->block_shift - 2; /* pointers per block = 1 << shift */
    uint8_t ptrs[BMAP_CHUNK * 4];
    if (lblk < BMAP_DIRECT)
        return bmap_add(f, lblk, f->i_block + lblk * 4, (uint32_t)(BMAP_DIRECT - lblk));
    /* rel: offset within the subtree of the current pointer, which maps
     * `span` = (1 << shift)^level blocks. */
    uint64_t rel = lblk - BMAP_DIRECT, span = 1ull << shift;
    uint32_t level = 1;
    while (rel >= span) {
        rel -= span;
        if (++level > 3) { /* past the triple-indirect range: a hole */
            add_run(f, lblk, LOGICAL_LIMIT > lblk ? LOGICAL_LIMIT - lblk : 1, 0);
            return 0;
        }
        span <<= shift;
    }
    uint64_t block = vb_le32(f->i_block + (BMAP_DIRECT - 1 + level) * 4);
    for (;;) {
        if (block == 0) {
            add_run(f, lblk, span - rel, 0);
            return 0;
        }
        if (level == 1) {
            uint32_t n = (uint32_t)VB_MIN(span - rel, (uint64_t)BMAP_CHUNK);
            int r = bmap_pointers(f, block, rel, n, ptrs);
            return r ? r : bmap_add(f, lblk, ptrs, n);
        }
        span >>= shift;
        int r = bmap_pointers(f, block, rel / span, 1, ptrs);
        if (r)
            return r;
        block = vb_le32(ptrs); /* checked by bmap_pointers at the next level */
        rel %= span;
        level--;
    }
}

/* The cached run holding logical block lblk (refilling the cache). */
static int map_block(ext4_file *f, uint64_t lblk, const ext4_run **ret) {
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < f->run_count; i++) {
            const ext4_run *run = &f->runs[i];
            if (lblk >= run->logical && lblk - run->logical < run->count) {
                *ret = run;
                return 0;
            }
        }
        if (pass)
            break;
        f->run_count = 0;
        int r = (f->inode_flags & EXT4_EXTENTS_FL) ? ext_walk(f, lblk) : bmap_walk(f, lblk);
        if (r) {
            f->run_count = 0;
            return r;
        }
    }
    return vb_fail(&f->fs->diag, VB_ECORRUPT, "inode %u: block %llu is not mapped", f->ino,
                   (unsigned long long)lblk);
}

static int inline_read(ext4_file *f, uint64_t offset, uint8_t *out, size_t len) {
    if (offset < EXT4_I_BLOCK_BYTES) {
        size_t n = (size_t)VB_MIN((uint64_t)len, EXT4_I_BLOCK_BYTES - offset);
        vb_memcpy(out, f->i_block + offset, n);
        out += n;
        offset += n;
        len -= n;
    }
    if (len == 0)
        return 0;
    /* size <= 60 + inline_size was checked when the file was set up. */
    int r = vb_source_read(&f->fs->src, f->inline_offset + (offset - EXT4_I_BLOCK_BYTES), out, len);
    if (r)
        return vb_fail(&f->fs->diag, r, "inode %u: cannot read inline data: %s", f->ino,
                       vb_err_message(r));
    return 0;
}

int ext4_file_read(ext4_file *f, uint64_t offset, void *buf, size_t len, bool holes_ok) {
    ext4_fs *fs = f->fs;
    uint8_t *out = buf;
    if (!vb_range_ok(offset, len, f->size))
        return VB_ERANGE;
    if (f->inode_flags & EXT4_INLINE_DATA_FL)
        return inline_read(f, offset, out, len);
    while (len) {
        uint64_t lblk = offset >> fs->block_shift;
        uint64_t within = offset & (fs->block_size - 1);
        const ext4_run *run = NULL;
        int r = map_block(f, lblk, &run);
        if (r)
            return r;
        /* count < 2^32 blocks of <= 2^16 bytes: no overflow. */
        uint64_t avail = ((run->logical + run->count - lblk) << fs->block_shift) - within;
        size_t chunk = (size_t)VB_MIN(avail, (uint64_t)len);
        if (run->start == 0) {
            if (!holes_ok)
                return vb_fail(&fs->diag, VB_ECORRUPT, "inode %u: block %llu is a hole", f->ino,
                               (unsigned long long)lblk);
            vb_memset(out, 0, chunk);
        } else {
            uint64_t disk = ((run->start + (lblk - run->logical)) << fs->block_shift) + within;
            r = vb_source_read(&fs->src, disk, out, chunk);
            if (r)
                return vb_fail(&fs->diag, r, "inode %u: cannot read block %llu: %s", f->ino,
                               (unsigned long long)(run->start + (lblk - run->logical)),
                               vb_err_message(r));
        }
        out += chunk;
        offset += chunk;
        len -= chunk;
    }
    return 0;
}

/* Finds the "system.data" attribute in the inode body (inline_data). */
static int inline_find(ext4_fs *fs, const ext4_inode *inode, ext4_file *f) {
    uint64_t start = inode->disk_offset + 128 + inode->extra_isize;
    uint64_t end = inode->disk_offset + fs->inode_size;
    uint8_t x[XATTR_ENTRY + 4];
    if (end - start < 4)
        return 0;
    int r = vb_source_read(&fs->src, start, x, 4);
    if (r)
        return vb_fail(&fs->diag, r, "inode %u: cannot read attributes: %s", inode->ino,
                       vb_err_message(r));
    if (vb_le32(x) != XATTR_MAGIC)
        return 0;
    uint64_t first = start + 4;
    for (uint64_t pos = first; end - pos >= 4;) {
        size_t n = (size_t)VB_MIN(end - pos, (uint64_t)sizeof(x));
        r = vb_source_read(&fs->src, pos, x, n);
        if (r)
            return vb_fail(&fs->diag, r, "inode %u: cannot read attributes: %s", inode->ino,
                           vb_err_message(r));
        if (vb_le32(x) == 0)
            break;
        uint32_t name_len = x[0];
        if (n < XATTR_ENTRY || name_len > end - pos - XATTR_ENTRY)
            return vb_fail(&fs->diag, VB_ECORRUPT, "inode %u: attribute entry overruns the inode",
                           inode->ino);
        if (x[1] == XATTR_SYSTEM && name_len == 4 && vb_memcmp(x + XATTR_ENTRY, "data", 4) == 0) {
            uint32_t value_offs = vb_le16(x + 2), size = vb_le32(x + 8);
            if (vb_le32(x + 4) != 0)
                return vb_fail(&fs->diag, VB_EUNSUPPORTED,
                               "inode %u: inline data stored in another inode", inode->ino);
            if (!vb_range_ok(value_offs, size, end - first))
                return vb_fail(&fs->diag, VB_ECORRUPT,
                               "inode %u: inline data value (%u bytes at %u) overruns the inode",
                               inode->ino, size, value_offs);
            f->inline_offset = first + value_offs;
            f->inline_size = size;
            return 0;
        }
        pos += (XATTR_ENTRY + name_len + 3) & ~3u;
    }
    return 0;
}

int ext4_file_init(ext4_fs *fs, const ext4_inode *inode, ext4_file *f) {
    vb_memset(f, 0, sizeof(*f));
    f->fs = fs;
    f->ino = inode->ino;
    f->mode = inode->mode;
    f->inode_flags = inode->flags;
    f->size = inode->size;
    vb_memcpy(f->i_block, inode->i_block, EXT4_I_BLOCK_BYTES);
    if (inode->flags & EXT4_INLINE_DATA_FL) {
        if (!(fs->feature_incompat & EXT4_INCOMPAT_INLINE_DATA))
            return vb_fail(&fs->diag, VB_ECORRUPT,
                           "inode %u has inline data but the filesystem lacks the feature",
                           inode->ino);
        int r = inline_find(fs, inode, f);
        if (r)
            return r;
        if (f->size > EXT4_I_BLOCK_BYTES + (uint64_t)f->inline_size)
            return vb_fail(&fs->diag, VB_ECORRUPT,
                           "inode %u: %llu bytes of inline data, room for %u", inode->ino,
                           (unsigned long long)f->size, EXT4_I_BLOCK_BYTES + f->inline_size);
        return 0;
    }
    if (f->size > (LOGICAL_LIMIT << fs->block_shift))
        return vb_fail(&fs->diag, VB_ECORRUPT, "inode %u: size %llu past 2^32 blocks", inode->ino,
                       (unsigned long long)f->size);
    return 0;
}
