/* fat.c: FAT mount (boot sector / BPB validation), the cached file
 * allocation table, and cluster-chain walking with loop detection.
 *
 * Trusts nothing: every BPB field is range-checked and the derived layout
 * (FATs, root directory, data area) must fit the source; every FAT entry is
 * checked before it is followed. Fields are read at the offsets below
 * (Microsoft FAT specification, "BPB" and "FAT32 extended BPB"). */
#include "fs/fat_impl.h"
#include "lib/util.h"

/* Boot sector, offsets in bytes. */
#define BPB_BYTES_PER_SECTOR 11 /* u16 */
#define BPB_SECTORS_PER_CLUS 13 /* u8 */
#define BPB_RESERVED_SECTORS 14 /* u16 */
#define BPB_NUM_FATS         16 /* u8 */
#define BPB_ROOT_ENTRIES     17 /* u16 */
#define BPB_TOTAL_SECTORS16  19 /* u16 */
#define BPB_MEDIA            21 /* u8 */
#define BPB_FAT_SIZE16       22 /* u16 */
#define BPB_TOTAL_SECTORS32  32 /* u32 */
#define BPB16_BOOT_SIG       38 /* u8, 0x29 when the next two fields exist */
#define BPB16_VOLUME_ID      39 /* u32 */
#define BPB16_VOLUME_LABEL   43 /* 11 bytes */
#define BPB32_FAT_SIZE       36 /* u32 */
#define BPB32_EXT_FLAGS      40 /* u16: bit 7 = no mirroring, bits 0-3 = active FAT */
#define BPB32_FS_VERSION     42 /* u16, 0 */
#define BPB32_ROOT_CLUSTER   44 /* u32 */
#define BPB32_BOOT_SIG       66
#define BPB32_VOLUME_ID      67
#define BPB32_VOLUME_LABEL   71
#define BOOT_SIGNATURE       510 /* 0x55 0xAA */
#define BOOT_SECTOR_BYTES    512

/* Largest cluster counts: FAT12 below 4085, FAT16 below 65525, FAT32 up to
 * the last number before the reserved values (28-bit entries). */
#define FAT12_MAX_CLUSTERS 4084u
#define FAT16_MAX_CLUSTERS 65524u
#define FAT32_MAX_CLUSTERS 0x0FFFFFF5u

VB_STATIC_ASSERT(VB_FAT_CACHE_BLOCKS >= 1, "at least one FAT cache block");
VB_STATIC_ASSERT(VB_FAT_CACHE_BLOCK_BYTES >= 512 && VB_FAT_CACHE_BLOCK_BYTES % 4 == 0,
                 "FAT cache blocks hold whole FAT16/FAT32 entries");

const char *fat_type_name(fat_type type) {
    return type == FAT_TYPE_12 ? "FAT12" : type == FAT_TYPE_16 ? "FAT16" : "FAT32";
}

static void fat_copy_label(char out[12], const uint8_t *label) {
    int n = 11;
    while (n > 0 && label[n - 1] == ' ')
        n--;
    for (int i = 0; i < n; i++)
        out[i] = (label[i] < 0x20 || label[i] >= 0x7F) ? '?' : (char)label[i];
    out[n] = '\0';
    if (n == 11 && vb_memcmp(out, "NO NAME    ", 11) == 0)
        out[0] = '\0';
}

static int fat_parse_bpb(fat_fs *fs, const uint8_t *b, vb_diag *d) {
    if (b[BOOT_SIGNATURE] != 0x55 || b[BOOT_SIGNATURE + 1] != 0xAA)
        return vb_fail(d, VB_EFORMAT, "not FAT: no 0x55AA boot sector signature");
    uint32_t bps = vb_le16(b + BPB_BYTES_PER_SECTOR);
    uint32_t spc = b[BPB_SECTORS_PER_CLUS];
    uint32_t reserved = vb_le16(b + BPB_RESERVED_SECTORS);
    uint32_t nfats = b[BPB_NUM_FATS];
    uint32_t root_entries = vb_le16(b + BPB_ROOT_ENTRIES);
    uint8_t media = b[BPB_MEDIA];
    uint32_t fat_size16 = vb_le16(b + BPB_FAT_SIZE16);
    uint64_t total = vb_le16(b + BPB_TOTAL_SECTORS16);
    if (total == 0)
        total = vb_le32(b + BPB_TOTAL_SECTORS32);
    if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096)
        return vb_fail(d, VB_EFORMAT, "not FAT: %u bytes per sector", bps);
    if (!vb_is_pow2_u64(spc))
        return vb_fail(d, VB_EFORMAT, "not FAT: %u sectors per cluster", spc);
    if (reserved == 0 || nfats == 0 || (media != 0xF0 && media < 0xF8))
        return vb_fail(d, VB_EFORMAT, "not FAT: %u reserved sectors, %u FATs, media byte 0x%02x",
                       reserved, nfats, media);

    bool is32 = fat_size16 == 0;
    uint64_t fat_size = is32 ? vb_le32(b + BPB32_FAT_SIZE) : fat_size16;
    uint32_t active_fat = 0;
    if (fat_size == 0)
        return vb_fail(d, VB_ECORRUPT, "FAT size is 0 sectors");
    if (is32) {
        if (root_entries != 0)
            return vb_fail(d, VB_ECORRUPT, "FAT32 with %u fixed root entries", root_entries);
        uint16_t version = vb_le16(b + BPB32_FS_VERSION);
        if (version != 0)
            return vb_fail(d, VB_EUNSUPPORTED, "FAT32 version %u.%u", version >> 8, version & 0xff);
        uint16_t flags = vb_le16(b + BPB32_EXT_FLAGS);
        if (flags & 0x80)
            active_fat = flags & 0x0F;
        if (active_fat >= nfats)
            return vb_fail(d, VB_ECORRUPT, "active FAT %u of %u", active_fat, nfats);
    } else if (root_entries == 0) {
        return vb_fail(d, VB_ECORRUPT, "FAT12/16 with no root directory entries");
    }

    /* All products below are of 32-bit values: they fit in 64 bits. */
    uint64_t root_sectors = ((uint64_t)root_entries * 32 + bps - 1) / bps;
    uint64_t first_data = reserved + nfats * fat_size + root_sectors;
    if (total <= first_data)
        return vb_fail(d, VB_ECORRUPT,
                       "no data area: %llu sectors in all, %llu before the data area",
                       (unsigned long long)total, (unsigned long long)first_data);
    if (total * bps > fs->src.size)
        return vb_fail(d, VB_ECORRUPT, "filesystem of %llu bytes larger than its source (%llu)",
                       (unsigned long long)(total * bps), (unsigned long long)fs->src.size);
    uint64_t clusters = (total - first_data) / spc;
    fat_type type = is32 ? FAT_TYPE_32 : clusters <= FAT12_MAX_CLUSTERS ? FAT_TYPE_12 : FAT_TYPE_16;
    uint64_t max_clusters = type == FAT_TYPE_32   ? FAT32_MAX_CLUSTERS
                            : type == FAT_TYPE_16 ? FAT16_MAX_CLUSTERS
                                                  : FAT12_MAX_CLUSTERS;
    if (clusters == 0 || clusters > max_clusters)
        return vb_fail(d, VB_ECORRUPT, "%s with %llu clusters", fat_type_name(type),
                       (unsigned long long)clusters);
    /* Entries the FAT can hold: it must map every cluster (plus 0 and 1). */
    uint64_t capacity = fat_size * bps * 8 / (unsigned)type;
    if (capacity < clusters + 2)
        return vb_fail(d, VB_ECORRUPT, "FAT of %llu sectors holds %llu entries, %llu clusters",
                       (unsigned long long)fat_size, (unsigned long long)capacity,
                       (unsigned long long)clusters);

    fs->type = type;
    fs->bytes_per_sector = bps;
    fs->cluster_size = bps * spc;
    fs->cluster_count = (uint32_t)clusters;
    fs->fat_bytes = fat_size * bps;
    fs->fat_offset = (reserved + active_fat * fat_size) * bps;
    fs->data_offset = first_data * bps;
    if (is32) {
        fs->root_cluster = vb_le32(b + BPB32_ROOT_CLUSTER);
        if (!fat_cluster_valid(fs, fs->root_cluster))
            return vb_fail(d, VB_ECORRUPT, "FAT32 root cluster %u outside 2..%u", fs->root_cluster,
                           fs->cluster_count + 1);
    } else {
        fs->root_offset = (reserved + nfats * fat_size) * bps;
        fs->root_entries = root_entries;
    }
    unsigned sig_at = is32 ? BPB32_BOOT_SIG : BPB16_BOOT_SIG;
    if (b[sig_at] == 0x29) {
        fs->volume_id = vb_le32(b + (is32 ? BPB32_VOLUME_ID : BPB16_VOLUME_ID));
        fat_copy_label(fs->label, b + (is32 ? BPB32_VOLUME_LABEL : BPB16_VOLUME_LABEL));
    }
    return 0;
}

int fat_probe(fat_fs *fs, const vb_source *src, vb_diag *d) {
    uint8_t boot[BOOT_SECTOR_BYTES];
    vb_memset(fs, 0, sizeof(*fs));
    fs->src = *src;
    for (int i = 0; i < VB_FAT_CACHE_BLOCKS; i++)
        fs->cache[i].offset = UINT64_MAX;
    if (src->size < BOOT_SECTOR_BYTES)
        return vb_fail(d, VB_EFORMAT, "not FAT: %llu bytes, less than a boot sector",
                       (unsigned long long)src->size);
    int r = vb_source_read(src, 0, boot, sizeof(boot));
    if (r)
        return vb_fail_read(d, r, "FAT boot sector", 0, sizeof(boot));
    return fat_parse_bpb(fs, boot, d);
}

int fat_mount(fat_fs *fs, const vb_source *src) {
    return fat_probe(fs, src, &fs->diag);
}

/* Returns the cached FAT block holding byte offset off of the FAT. */
static int fat_cache_block_at(fat_fs *fs, uint64_t off, const fat_cache_block **ret) {
    uint64_t start = off - off % VB_FAT_CACHE_BLOCK_BYTES;
    fat_cache_block *victim = &fs->cache[0];
    fs->cache_clock++;
    for (int i = 0; i < VB_FAT_CACHE_BLOCKS; i++) {
        fat_cache_block *c = &fs->cache[i];
        if (c->offset == start) {
            c->last_use = fs->cache_clock;
            *ret = c;
            return 0;
        }
        if (victim->offset != UINT64_MAX &&
            (c->offset == UINT64_MAX || c->last_use < victim->last_use))
            victim = c;
    }
    /* start < fat_bytes; the FAT lies inside the source (checked at mount). */
    size_t len = (size_t)VB_MIN((uint64_t)VB_FAT_CACHE_BLOCK_BYTES, fs->fat_bytes - start);
    victim->offset = UINT64_MAX;
    int r = vb_source_read(&fs->src, fs->fat_offset + start, victim->data, len);
    if (r)
        return vb_fail(&fs->diag, r, "cannot read the FAT at byte %llu: %s",
                       (unsigned long long)(fs->fat_offset + start), vb_err_message(r));
    victim->offset = start;
    victim->last_use = fs->cache_clock;
    *ret = victim;
    return 0;
}

/* Reads n (<= 4) bytes of the FAT at off, which the mount checks guarantee
 * lie within it for any valid cluster. */
static int fat_table_bytes(fat_fs *fs, uint64_t off, uint8_t *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        const fat_cache_block *c = NULL;
        int r = fat_cache_block_at(fs, off + i, &c);
        if (r)
            return r;
        out[i] = c->data[(off + i) - c->offset];
    }
    return 0;
}

/* The raw FAT entry of a valid cluster. */
static int fat_entry(fat_fs *fs, uint32_t cluster, uint32_t *ret) {
    uint8_t b[4] = {0};
    int r;
    switch (fs->type) {
    case FAT_TYPE_12:
        r = fat_table_bytes(fs, (uint64_t)cluster + cluster / 2, b, 2);
        if (r)
            return r;
        *ret = (cluster & 1) ? (uint32_t)vb_le16(b) >> 4 : vb_le16(b) & 0xFFFu;
        return 0;
    case FAT_TYPE_16:
        r = fat_table_bytes(fs, (uint64_t)cluster * 2, b, 2);
        *ret = vb_le16(b);
        return r;
    default:
        r = fat_table_bytes(fs, (uint64_t)cluster * 4, b, 4);
        *ret = vb_le32(b) & 0x0FFFFFFFu;
        return r;
    }
}

void fat_walk_start(fat_walk *w, uint32_t first) {
    w->cluster = first;
    w->index = 0;
    w->tortoise = first;
    w->lam = 0;
    w->power = 1;
}

int fat_walk_next(fat_fs *fs, fat_walk *w, bool *ret_end) {
    uint32_t next;
    *ret_end = false;
    int r = fat_entry(fs, w->cluster, &next);
    if (r)
        return r;
    uint32_t bad = fs->type == FAT_TYPE_12   ? 0xFF7u
                   : fs->type == FAT_TYPE_16 ? 0xFFF7u
                                             : 0x0FFFFFF7u;
    if (next > bad) {
        *ret_end = true;
        return 0;
    }
    if (next == bad)
        return vb_fail(&fs->diag, VB_ECORRUPT, "cluster %u links to a cluster marked bad",
                       w->cluster);
    if (next < 2)
        return vb_fail(&fs->diag, VB_ECORRUPT, "cluster %u links to %s cluster %u", w->cluster,
                       next == 0 ? "free" : "reserved", next);
    if (!fat_cluster_valid(fs, next))
        return vb_fail(&fs->diag, VB_ECORRUPT,
                       "cluster %u links to cluster %u past the end (last is %u)", w->cluster, next,
                       fs->cluster_count + 1);
    /* A chain visits each cluster at most once, so it has at most
     * cluster_count links; Brent's check finds short loops much sooner. */
    if (next == w->tortoise || w->index >= fs->cluster_count)
        return vb_fail(&fs->diag, VB_ELOOP, "cluster chain loops: cluster %u links back to %u",
                       w->cluster, next);
    w->cluster = next;
    w->index++;
    if (++w->lam == w->power) {
        w->tortoise = next;
        w->power <<= 1;
        w->lam = 0;
    }
    return 0;
}
