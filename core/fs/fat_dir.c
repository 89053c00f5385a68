/* fat_dir.c: FAT directories: reading 32-byte entries (fixed FAT12/16 root
 * region or a cluster chain), assembling VFAT long names, and path lookup.
 *
 * Trusts nothing: a directory chain is walked with loop detection and
 * bounded at VB_FAT_DIR_ENTRIES_MAX entries; a long name is used only when
 * its sequence numbers and checksum match the 8.3 entry that follows it,
 * otherwise the 8.3 name is. Names come out as UTF-8 with control
 * characters replaced by '?'. */
#include "fs/fat_impl.h"
#include "lib/utf16.h"
#include "lib/util.h"

/* Directory entry, offsets in bytes. */
#define DIR_NAME           0  /* 11 bytes, 8.3 space-padded */
#define DIR_ATTR           11 /* FAT_ATTR_* */
#define DIR_NT_CASE        12 /* bit 3: base lower case, bit 4: extension lower case */
#define DIR_CLUSTER_HI     20 /* u16, FAT32 only */
#define DIR_CLUSTER_LO     26 /* u16 */
#define DIR_SIZE           28 /* u32 */
#define DIR_ENTRY_BYTES    32
#define DIR_FREE_END       0x00 /* this and all later entries are free */
#define DIR_FREE_DELETED   0xE5
#define DIR_KANJI_E5       0x05 /* stands for a first byte 0xE5 */
#define NT_CASE_LOWER_BASE 0x08
#define NT_CASE_LOWER_EXT  0x10

/* Long-name entry, offsets in bytes. */
#define LFN_ORDER     0 /* sequence number 1..20, 0x40 on the last (first stored) */
#define LFN_ATTR_MASK 0x3F
#define LFN_ATTR      0x0F
#define LFN_CHECKSUM  13
#define LFN_LAST      0x40
#define LFN_SEQ_MASK  0x1F
#define LFN_MAX_SEQ   20
#define LFN_UNITS     13

static const uint8_t lfn_unit_offsets[LFN_UNITS] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

VB_STATIC_ASSERT(sizeof(((fat_dir *)0)->lfn) / sizeof(uint16_t) >= LFN_MAX_SEQ * LFN_UNITS,
                 "long-name buffer holds 20 entries");

size_t fat_path_next(const char **path, const char **ret_start) {
    const char *p = *path;
    while (*p == '/' || *p == '\\')
        p++;
    const char *start = p;
    while (*p && *p != '/' && *p != '\\')
        p++;
    *ret_start = start;
    *path = p;
    return (size_t)(p - start);
}

static void dir_init_root(fat_fs *fs, fat_dir *d) {
    vb_memset(d, 0, sizeof(*d));
    d->fs = fs;
    d->block_offset = UINT64_MAX;
    if (fs->type == FAT_TYPE_32) {
        d->first_cluster = fs->root_cluster;
        fat_walk_start(&d->cursor, fs->root_cluster);
    } else {
        d->fixed_root = true;
    }
}

static int dir_init_cluster(fat_fs *fs, fat_dir *d, uint32_t first, const char *name) {
    if (!fat_cluster_valid(fs, first))
        return vb_fail(&fs->diag, VB_ECORRUPT, "directory '%s' starts at cluster %u outside 2..%u",
                       name, first, fs->cluster_count + 1);
    vb_memset(d, 0, sizeof(*d));
    d->fs = fs;
    d->block_offset = UINT64_MAX;
    d->first_cluster = first;
    fat_walk_start(&d->cursor, first);
    return 0;
}

/* Loads the 512-byte block holding d->offset. Returns 1, 0 at the end of the
 * directory, or an error. Clusters and the root region are multiples of 512
 * bytes long, so a block never straddles two clusters. */
static int dir_load_block(fat_dir *d) {
    fat_fs *fs = d->fs;
    uint64_t start = d->offset - d->offset % sizeof(d->block);
    uint64_t disk_offset;
    size_t len = sizeof(d->block);
    if (d->fixed_root) {
        uint64_t region = (uint64_t)fs->root_entries * DIR_ENTRY_BYTES;
        if (start >= region)
            return 0;
        len = (size_t)VB_MIN((uint64_t)len, region - start);
        disk_offset = fs->root_offset + start;
    } else {
        if (d->offset / DIR_ENTRY_BYTES >= VB_FAT_DIR_ENTRIES_MAX)
            return vb_fail(&fs->diag, VB_ECORRUPT,
                           "directory at cluster %u is longer than %u entries", d->first_cluster,
                           VB_FAT_DIR_ENTRIES_MAX);
        uint64_t index = start / fs->cluster_size;
        while (d->cursor.index < index) {
            bool end;
            int r = fat_walk_next(fs, &d->cursor, &end);
            if (r)
                return r;
            if (end)
                return 0;
        }
        disk_offset = fat_cluster_offset(fs, d->cursor.cluster) + start % fs->cluster_size;
    }
    vb_memset(d->block, 0, sizeof(d->block));
    int r = vb_source_read(&fs->src, disk_offset, d->block, len);
    if (r)
        return vb_fail(&fs->diag, r, "cannot read directory at byte %llu: %s",
                       (unsigned long long)disk_offset, vb_err_message(r));
    d->block_offset = start;
    return 1;
}

static uint8_t short_name_checksum(const uint8_t *name) {
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
    return sum;
}

/* Code page 437 (the DOS and Linux default for 8.3 names), bytes 0x80-0xFF
 * as Unicode. */
static const uint16_t cp437_high[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* One 8.3 name byte as Unicode, lower-cased if the NT flag says so (ASCII
 * and Latin-1 capitals). utf16_to_utf8 turns control characters into '?'. */
static uint16_t short_name_unit(uint8_t c, bool lower) {
    uint16_t u = c < 0x80 ? c : cp437_high[c - 0x80];
    if (lower && ((u >= 'A' && u <= 'Z') || (u >= 0xC0 && u <= 0xDE && u != 0xD7)))
        u += 0x20;
    return u;
}

/* "NAME.EXT" from the 11-byte name, as UTF-8. */
static void short_name_format(const uint8_t *e, char *out, size_t cap) {
    uint16_t units[12];
    size_t n = 0, base = 8, ext = 3;
    while (base > 0 && e[DIR_NAME + base - 1] == ' ')
        base--;
    while (ext > 0 && e[DIR_NAME + 8 + ext - 1] == ' ')
        ext--;
    for (size_t i = 0; i < base; i++) {
        uint8_t c = (i == 0 && e[DIR_NAME] == DIR_KANJI_E5) ? 0xE5 : e[DIR_NAME + i];
        units[n++] = short_name_unit(c, e[DIR_NT_CASE] & NT_CASE_LOWER_BASE);
    }
    if (ext) {
        units[n++] = '.';
        for (size_t i = 0; i < ext; i++)
            units[n++] = short_name_unit(e[DIR_NAME + 8 + i], e[DIR_NT_CASE] & NT_CASE_LOWER_EXT);
    }
    /* A 0 byte would end the name early: show it as '?' like other controls. */
    for (size_t i = 0; i < n; i++)
        if (units[i] == 0)
            units[i] = '?';
    utf16_to_utf8(units, n, out, cap);
}

/* Takes one long-name entry into the assembly state. */
static void lfn_take(fat_dir *d, const uint8_t *e) {
    uint8_t order = e[LFN_ORDER], seq = order & LFN_SEQ_MASK;
    if (order & LFN_LAST) {
        if (seq < 1 || seq > LFN_MAX_SEQ) {
            d->lfn_expect = 0;
            return;
        }
        d->lfn_total = seq;
        d->lfn_checksum = e[LFN_CHECKSUM];
        for (size_t i = 0; i < VB_ARRAY_SIZE(d->lfn); i++)
            d->lfn[i] = 0;
    } else if (d->lfn_expect < 2 || seq != d->lfn_expect - 1 ||
               e[LFN_CHECKSUM] != d->lfn_checksum) {
        d->lfn_expect = 0; /* out of sequence: drop the long name */
        return;
    }
    d->lfn_expect = seq;
    for (int i = 0; i < LFN_UNITS; i++)
        d->lfn[(seq - 1) * LFN_UNITS + i] = vb_le16(e + lfn_unit_offsets[i]);
}

int fat_readdir(fat_dir *d, fat_dirent *ret) {
    fat_fs *fs = d->fs;
    while (!d->done) {
        if (d->block_offset != d->offset - d->offset % sizeof(d->block)) {
            int r = dir_load_block(d);
            if (r <= 0) {
                d->done = r == 0;
                return r;
            }
        }
        const uint8_t *e = d->block + d->offset % sizeof(d->block);
        d->offset += DIR_ENTRY_BYTES;
        uint8_t attr = e[DIR_ATTR];
        if (e[DIR_NAME] == DIR_FREE_END) {
            d->done = true;
            break;
        }
        if (e[DIR_NAME] == DIR_FREE_DELETED) {
            d->lfn_expect = 0;
            continue;
        }
        if ((attr & LFN_ATTR_MASK) == LFN_ATTR) {
            lfn_take(d, e);
            continue;
        }
        bool have_lfn = d->lfn_expect == 1 && short_name_checksum(e + DIR_NAME) == d->lfn_checksum;
        d->lfn_expect = 0;
        if (attr & FAT_ATTR_VOLUME_ID)
            continue;
        if (e[DIR_NAME] == '.' && (e[DIR_NAME + 1] == ' ' || e[DIR_NAME + 1] == '.'))
            continue; /* "." and ".." */
        short_name_format(e, ret->short_name, sizeof(ret->short_name));
        ret->name[0] = '\0';
        if (have_lfn)
            utf16_to_utf8(d->lfn, (size_t)d->lfn_total * LFN_UNITS, ret->name, sizeof(ret->name));
        if (!ret->name[0])
            vb_strlcpy(ret->name, ret->short_name, sizeof(ret->name));
        ret->attributes = attr;
        ret->is_dir = (attr & FAT_ATTR_DIRECTORY) != 0;
        ret->first_cluster = vb_le16(e + DIR_CLUSTER_LO);
        if (fs->type == FAT_TYPE_32)
            ret->first_cluster |= (uint32_t)vb_le16(e + DIR_CLUSTER_HI) << 16;
        ret->size = ret->is_dir ? 0 : vb_le32(e + DIR_SIZE);
        return 1;
    }
    return 0;
}

/* Finds path; *ret_is_root tells the root (which has no entry of its own). */
static int fat_find_entry(fat_fs *fs, const char *path, fat_dirent *ret, bool *ret_is_root) {
    fat_dirent cur;
    fat_dir dir;
    bool is_root = true;
    vb_memset(&cur, 0, sizeof(cur));
    cur.is_dir = true;
    cur.attributes = FAT_ATTR_DIRECTORY;
    const char *p = path;
    for (;;) {
        const char *comp;
        size_t n = fat_path_next(&p, &comp);
        if (n == 0)
            break;
        if (n == 1 && comp[0] == '.')
            continue;
        if (n == 2 && comp[0] == '.' && comp[1] == '.')
            return vb_fail(&fs->diag, VB_EPATH, "'..' in path '%s'", path);
        if (!cur.is_dir)
            return vb_fail(&fs->diag, VB_ENOTFOUND, "'%s' is not a directory (in '%s')", cur.name,
                           path);
        int r = is_root ? (dir_init_root(fs, &dir), 0)
                        : dir_init_cluster(fs, &dir, cur.first_cluster, cur.name);
        if (r)
            return r;
        for (;;) {
            r = fat_readdir(&dir, &cur);
            if (r < 0)
                return r;
            if (r == 0)
                return vb_fail(&fs->diag, VB_ENOTFOUND, "'%s' not found", path);
            if (vb_strn_ieq(comp, n, cur.name) || vb_strn_ieq(comp, n, cur.short_name))
                break;
        }
        is_root = false;
    }
    *ret = cur;
    *ret_is_root = is_root;
    return 0;
}

int fat_find(fat_fs *fs, const char *path, fat_dirent *ret) {
    bool is_root;
    return fat_find_entry(fs, path, ret, &is_root);
}

int fat_stat(fat_fs *fs, const char *path, fat_dirent *ret) {
    return fat_find(fs, path, ret);
}

int fat_opendir(fat_fs *fs, const char *path, fat_dir *dir) {
    fat_dirent ent;
    bool is_root;
    int r = fat_find_entry(fs, path, &ent, &is_root);
    if (r)
        return r;
    if (!ent.is_dir)
        return vb_fail(&fs->diag, VB_EINVAL, "'%s' is not a directory", path);
    if (is_root) {
        dir_init_root(fs, dir);
        return 0;
    }
    return dir_init_cluster(fs, dir, ent.first_cluster, ent.name);
}
