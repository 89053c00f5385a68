/* ext4.c: ext2/3/4 mount (superblock validation, feature checks), group
 * descriptors (classic table and meta_bg layout) and inode reading.
 *
 * Trusts nothing: every superblock field is range-checked and the whole
 * filesystem must fit the source; group descriptors and inodes are read
 * only at offsets checked to lie inside it. Offsets are those of the
 * kernel's ext4 documentation ("Super Block", "Block Group Descriptors",
 * "Index Nodes"). With metadata_csum the superblock's crc32c is verified
 * (unless VB_FUZZ_NO_CHECKSUM); other checksums are not. */
#include "fs/ext4_impl.h"
#include "lib/util.h"

/* Superblock, 1024 bytes at byte 1024 of the volume; offsets in bytes. */
#define SB_OFFSET            1024
#define SB_BYTES             1024
#define SB_INODES_COUNT      0x00  /* u32 */
#define SB_BLOCKS_COUNT_LO   0x04  /* u32 */
#define SB_FIRST_DATA_BLOCK  0x14  /* u32 */
#define SB_LOG_BLOCK_SIZE    0x18  /* u32: block size = 1024 << n */
#define SB_BLOCKS_PER_GROUP  0x20  /* u32 */
#define SB_INODES_PER_GROUP  0x28  /* u32 */
#define SB_MAGIC             0x38  /* u16: 0xEF53 */
#define SB_REV_LEVEL         0x4C  /* u32: 0 = original (128-byte inodes), 1 = dynamic */
#define SB_INODE_SIZE        0x58  /* u16 (rev 1) */
#define SB_FEATURE_COMPAT    0x5C  /* u32 */
#define SB_FEATURE_INCOMPAT  0x60  /* u32 */
#define SB_FEATURE_RO_COMPAT 0x64  /* u32 */
#define SB_UUID              0x68  /* 16 bytes */
#define SB_VOLUME_NAME       0x78  /* 16 bytes, NUL-padded */
#define SB_DESC_SIZE         0xFE  /* u16 (64bit) */
#define SB_FIRST_META_BG     0x104 /* u32 (meta_bg) */
#define SB_BLOCKS_COUNT_HI   0x150 /* u32 (64bit) */
#define SB_CHECKSUM_TYPE     0x175 /* u8: 1 = crc32c */
#define SB_BACKUP_BGS        0x24C /* 2 x u32 (sparse_super2) */
#define SB_CHECKSUM          0x3FC /* u32: crc32c of bytes 0..0x3FB */
#define EXT4_MAGIC           0xEF53

#define EXT4_COMPAT_SPARSE_SUPER2   0x0200
#define EXT4_RO_COMPAT_SPARSE_SUPER 0x0001

/* Group descriptor fields (offsets in bytes). */
#define GD_INODE_TABLE_LO 0x08 /* u32 */
#define GD_INODE_TABLE_HI 0x28 /* u32, desc_size >= 64 */

/* Inode fields (offsets in bytes). */
#define I_MODE        0x00 /* u16 */
#define I_SIZE_LO     0x04 /* u32 */
#define I_BLOCKS_LO   0x1C /* u32 */
#define I_FLAGS       0x20 /* u32 */
#define I_BLOCK       0x28 /* 60 bytes */
#define I_FILE_ACL_LO 0x68 /* u32 */
#define I_SIZE_HIGH   0x6C /* u32 */
#define I_BLOCKS_HIGH 0x74 /* u16 */
#define I_FILE_ACL_HI 0x76 /* u16 */
#define I_EXTRA_ISIZE 0x80 /* u16, inodes larger than 128 bytes */
#define I_GOOD_OLD    128
#define I_READ_BYTES  (I_EXTRA_ISIZE + 2)

/* Incompatible features this reader understands; others refuse the mount. */
#define INCOMPAT_KNOWN                                                                             \
    (EXT4_INCOMPAT_COMPRESSION | EXT4_INCOMPAT_FILETYPE | EXT4_INCOMPAT_RECOVER |                  \
     EXT4_INCOMPAT_META_BG | EXT4_INCOMPAT_EXTENTS | EXT4_INCOMPAT_64BIT | EXT4_INCOMPAT_MMP |     \
     EXT4_INCOMPAT_FLEX_BG | EXT4_INCOMPAT_EA_INODE | EXT4_INCOMPAT_CSUM_SEED |                    \
     EXT4_INCOMPAT_LARGEDIR | EXT4_INCOMPAT_INLINE_DATA | EXT4_INCOMPAT_ENCRYPT |                  \
     EXT4_INCOMPAT_CASEFOLD)

/* crc32c (Castagnoli, reflected 0x82F63B78) as ext4 uses it: seeded with
 * ~0 and not inverted at the end. Bitwise: it only covers the superblock. */
static uint32_t ext4_crc32c(uint32_t crc, const uint8_t *p, size_t n) {
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
    return crc;
}

const char *ext4_kind_name(const ext4_fs *fs) {
    if (fs->feature_incompat & ~(uint32_t)(EXT4_INCOMPAT_FILETYPE | EXT4_INCOMPAT_RECOVER |
                                           EXT4_INCOMPAT_META_BG | EXT4_INCOMPAT_COMPRESSION))
        return "ext4";
    return (fs->feature_compat & EXT4_COMPAT_HAS_JOURNAL) ? "ext3" : "ext2";
}

static int ext4_parse_super(ext4_fs *fs, const uint8_t *sb, vb_diag *d) {
    if (vb_le16(sb + SB_MAGIC) != EXT4_MAGIC)
        return vb_fail(d, VB_EFORMAT, "not ext2/3/4: no 0xEF53 superblock magic");
    uint32_t incompat = vb_le32(sb + SB_FEATURE_INCOMPAT);
    fs->feature_compat = vb_le32(sb + SB_FEATURE_COMPAT);
    fs->feature_incompat = incompat;
    fs->feature_ro_compat = vb_le32(sb + SB_FEATURE_RO_COMPAT);
    if (incompat & EXT4_INCOMPAT_JOURNAL_DEV)
        return vb_fail(d, VB_EUNSUPPORTED, "an external ext3/4 journal device, not a filesystem");
    if (incompat & EXT4_INCOMPAT_DIRDATA)
        return vb_fail(d, VB_EUNSUPPORTED, "ext4 feature dirdata (0x1000)");
    if (incompat & ~(uint32_t)INCOMPAT_KNOWN)
        return vb_fail(d, VB_EUNSUPPORTED, "unknown ext4 incompatible features 0x%x",
                       incompat & ~(uint32_t)INCOMPAT_KNOWN);
    if (fs->feature_ro_compat & EXT4_RO_COMPAT_METADATA_CSUM) {
        if (sb[SB_CHECKSUM_TYPE] != 1)
            return vb_fail(d, VB_EUNSUPPORTED, "metadata checksum type %u (only crc32c)",
                           sb[SB_CHECKSUM_TYPE]);
        uint32_t want = vb_le32(sb + SB_CHECKSUM);
        uint32_t got = ext4_crc32c(0xFFFFFFFFu, sb, SB_CHECKSUM);
#ifdef VB_FUZZ_NO_CHECKSUM
        got = want; /* fuzzers get past the checksum */
#endif
        if (got != want)
            return vb_fail(d, VB_ECHECKSUM, "superblock checksum 0x%08x, computed 0x%08x", want,
                           got);
        fs->flags |= EXT4_FS_METADATA_CSUM;
    }

    uint32_t log_bs = vb_le32(sb + SB_LOG_BLOCK_SIZE);
    if (log_bs > 6)
        return vb_fail(d, VB_ECORRUPT, "block size 1024 << %u (at most 64 KiB)", log_bs);
    fs->block_shift = 10 + log_bs;
    fs->block_size = 1u << fs->block_shift;
    uint32_t bs = fs->block_size;

    uint32_t rev = vb_le32(sb + SB_REV_LEVEL);
    if (rev > 1)
        return vb_fail(d, VB_EUNSUPPORTED, "ext2 revision %u", rev);
    fs->inode_size = rev == 0 ? I_GOOD_OLD : vb_le16(sb + SB_INODE_SIZE);
    if (fs->inode_size < I_GOOD_OLD || fs->inode_size > bs || !vb_is_pow2_u64(fs->inode_size))
        return vb_fail(d, VB_ECORRUPT, "inode size %u (128..%u, a power of two)", fs->inode_size,
                       bs);
    fs->desc_size = 32;
    if (incompat & EXT4_INCOMPAT_64BIT) {
        fs->desc_size = vb_le16(sb + SB_DESC_SIZE);
        if (fs->desc_size < 64 || fs->desc_size > 1024 || !vb_is_pow2_u64(fs->desc_size))
            return vb_fail(d, VB_ECORRUPT, "64bit group descriptor size %u (64..1024)",
                           fs->desc_size);
    }

    uint64_t blocks = vb_le32(sb + SB_BLOCKS_COUNT_LO);
    if (incompat & EXT4_INCOMPAT_64BIT)
        blocks |= (uint64_t)vb_le32(sb + SB_BLOCKS_COUNT_HI) << 32;
    uint64_t bytes;
    if (blocks == 0 || (blocks >> 48) != 0 || vb_mul_overflow_u64(blocks, bs, &bytes))
        return vb_fail(d, VB_ECORRUPT, "block count %llu", (unsigned long long)blocks);
    if (bytes > fs->src.size)
        return vb_fail(d, VB_ECORRUPT, "filesystem of %llu bytes larger than its source (%llu)",
                       (unsigned long long)bytes, (unsigned long long)fs->src.size);
    fs->block_count = blocks;
    fs->first_data_block = vb_le32(sb + SB_FIRST_DATA_BLOCK);
    if (fs->first_data_block > 1 || fs->first_data_block >= blocks)
        return vb_fail(d, VB_ECORRUPT, "first data block %u", fs->first_data_block);

    fs->blocks_per_group = vb_le32(sb + SB_BLOCKS_PER_GROUP);
    fs->inodes_per_group = vb_le32(sb + SB_INODES_PER_GROUP);
    fs->inode_count = vb_le32(sb + SB_INODES_COUNT);
    if (fs->blocks_per_group == 0)
        return vb_fail(d, VB_ECORRUPT, "0 blocks per group");
    if (fs->inodes_per_group == 0 || fs->inodes_per_group > 8u * bs)
        return vb_fail(d, VB_ECORRUPT, "%u inodes per group (1..%u)", fs->inodes_per_group,
                       8u * bs);
    uint64_t groups =
        (blocks - fs->first_data_block + fs->blocks_per_group - 1) / fs->blocks_per_group;
    if ((uint64_t)fs->inodes_per_group * groups != fs->inode_count)
        return vb_fail(d, VB_ECORRUPT, "%u inodes, but %llu groups of %u", fs->inode_count,
                       (unsigned long long)groups, fs->inodes_per_group);
    fs->group_count = (uint32_t)groups; /* <= inode_count, a u32 */
    if (fs->inode_count < EXT4_ROOT_INO)
        return vb_fail(d, VB_ECORRUPT, "%u inodes: no root directory", fs->inode_count);
    fs->first_meta_bg =
        (incompat & EXT4_INCOMPAT_META_BG) ? vb_le32(sb + SB_FIRST_META_BG) : UINT32_MAX;

    vb_memcpy(fs->uuid, sb + SB_UUID, 16);
    for (int i = 0; i < 16; i++) {
        uint8_t c = sb[SB_VOLUME_NAME + i];
        fs->label[i] = (c == 0) ? '\0' : (c < 0x20 || c == 0x7F) ? '?' : (char)c;
        if (c == 0)
            break;
    }
    if (incompat & EXT4_INCOMPAT_RECOVER)
        fs->flags |= EXT4_FS_NEEDS_RECOVERY;
    if (fs->feature_compat & EXT4_COMPAT_HAS_JOURNAL)
        fs->flags |= EXT4_FS_HAS_JOURNAL;
    if (incompat & EXT4_INCOMPAT_EXTENTS)
        fs->flags |= EXT4_FS_EXTENTS;
    return 0;
}

int ext4_probe(ext4_fs *fs, const vb_source *src, vb_diag *d) {
    uint8_t sb[SB_BYTES];
    vb_memset(fs, 0, sizeof(*fs));
    fs->src = *src;
    fs->lookup_scan_max = VB_EXT4_LOOKUP_SCAN_MAX;
    if (src->size < SB_OFFSET + SB_BYTES)
        return vb_fail(d, VB_EFORMAT, "not ext2/3/4: %llu bytes, too small for a superblock",
                       (unsigned long long)src->size);
    int r = vb_source_read(src, SB_OFFSET, sb, sizeof(sb));
    if (r)
        return vb_fail_read(d, r, "ext2/3/4 superblock", SB_OFFSET, sizeof(sb));
    return ext4_parse_super(fs, sb, d);
}

int ext4_mount(ext4_fs *fs, const vb_source *src) {
    return ext4_probe(fs, src, &fs->diag);
}

/* Does group g hold a superblock copy (and so, with meta_bg, start with it)? */
static bool group_has_super(const ext4_fs *fs, uint32_t g, const uint32_t backup_bgs[2]) {
    if (g <= 1)
        return true;
    if (fs->feature_compat & EXT4_COMPAT_SPARSE_SUPER2)
        return g == backup_bgs[0] || g == backup_bgs[1];
    if (!(fs->feature_ro_compat & EXT4_RO_COMPAT_SPARSE_SUPER))
        return true;
    for (uint32_t base = 3; base <= 7; base += 2) {
        uint64_t p = base;
        while (p < g)
            p *= base;
        if (p == g)
            return true;
    }
    return false;
}

/* Byte offset of group g's descriptor. */
static int ext4_group_desc_offset(ext4_fs *fs, uint32_t g, uint64_t *ret) {
    uint32_t per_block = fs->block_size / fs->desc_size;
    uint64_t block;
    if (g / per_block >= fs->first_meta_bg) {
        /* meta_bg: the descriptors of meta group m (per_block groups) sit in
         * the first block of its first group, after its superblock copy. */
        uint32_t first = g - g % per_block;
        uint32_t backup_bgs[2] = {0, 0};
        if (fs->feature_compat & EXT4_COMPAT_SPARSE_SUPER2) {
            uint8_t b[8];
            int r = vb_source_read(&fs->src, SB_OFFSET + SB_BACKUP_BGS, b, sizeof(b));
            if (r)
                return vb_fail(&fs->diag, r, "cannot read the superblock: %s", vb_err_message(r));
            backup_bgs[0] = vb_le32(b);
            backup_bgs[1] = vb_le32(b + 4);
        }
        block = fs->first_data_block + (uint64_t)first * fs->blocks_per_group +
                (group_has_super(fs, first, backup_bgs) ? 1 : 0);
        block = block * fs->block_size + (uint64_t)(g % per_block) * fs->desc_size;
    } else {
        block = (uint64_t)(fs->first_data_block + 1) * fs->block_size + (uint64_t)g * fs->desc_size;
    }
    /* block < 2^32 * 2^16 + small: no overflow; check it fits the volume. */
    if (!vb_range_ok(block, fs->desc_size, fs->block_count << fs->block_shift))
        return vb_fail(&fs->diag, VB_ECORRUPT,
                       "descriptor of group %u at byte %llu is past the end", g,
                       (unsigned long long)block);
    *ret = block;
    return 0;
}

int ext4_read_inode(ext4_fs *fs, uint32_t ino, ext4_inode *ret) {
    vb_diag *d = &fs->diag;
    if (ino == 0 || ino > fs->inode_count)
        return vb_fail(d, VB_ECORRUPT, "inode number %u outside 1..%u", ino, fs->inode_count);
    uint32_t group = (ino - 1) / fs->inodes_per_group;
    uint32_t index = (ino - 1) % fs->inodes_per_group;
    uint64_t desc = 0;
    int r = ext4_group_desc_offset(fs, group, &desc);
    if (r)
        return r;
    uint8_t gd[64];
    size_t gd_len = fs->desc_size >= 64 ? 64 : 32;
    r = vb_source_read(&fs->src, desc, gd, gd_len);
    if (r)
        return vb_fail(d, r, "cannot read descriptor of group %u: %s", group, vb_err_message(r));
    uint64_t table = vb_le32(gd + GD_INODE_TABLE_LO);
    if (gd_len >= 64)
        table |= (uint64_t)vb_le32(gd + GD_INODE_TABLE_HI) << 32;
    uint64_t fs_bytes = fs->block_count << fs->block_shift;
    uint64_t off = (uint64_t)index * fs->inode_size; /* < 2^32 * 2^16 */
    if (table == 0 || table >= fs->block_count ||
        !vb_range_ok((table << fs->block_shift) + off, fs->inode_size, fs_bytes))
        return vb_fail(d, VB_ECORRUPT,
                       "inode table of group %u at block %llu: inode %u is past the end", group,
                       (unsigned long long)table, ino);
    off += table << fs->block_shift;

    uint8_t b[I_READ_BYTES];
    size_t len = fs->inode_size > I_GOOD_OLD ? I_READ_BYTES : I_GOOD_OLD;
    r = vb_source_read(&fs->src, off, b, len);
    if (r)
        return vb_fail(d, r, "cannot read inode %u: %s", ino, vb_err_message(r));
    vb_memset(ret, 0, sizeof(*ret));
    ret->ino = ino;
    ret->disk_offset = off;
    ret->mode = vb_le16(b + I_MODE);
    ret->flags = vb_le32(b + I_FLAGS);
    if (ret->mode == 0)
        return vb_fail(d, VB_ECORRUPT, "inode %u is not in use (mode 0)", ino);
    ret->size = vb_le32(b + I_SIZE_LO);
    if (ext4_type(ret->mode) == EXT4_S_IFREG || (fs->feature_incompat & EXT4_INCOMPAT_LARGEDIR))
        ret->size |= (uint64_t)vb_le32(b + I_SIZE_HIGH) << 32;
    ret->sectors = vb_le32(b + I_BLOCKS_LO);
    if (fs->feature_ro_compat & EXT4_RO_COMPAT_HUGE_FILE) {
        ret->sectors |= (uint64_t)vb_le16(b + I_BLOCKS_HIGH) << 32;
        if (ret->flags & EXT4_HUGE_FILE_FL)
            ret->sectors <<= fs->block_shift - 9;
    }
    ret->file_acl = vb_le32(b + I_FILE_ACL_LO);
    if (fs->feature_incompat & EXT4_INCOMPAT_64BIT)
        ret->file_acl |= (uint64_t)vb_le16(b + I_FILE_ACL_HI) << 32;
    if (fs->inode_size > I_GOOD_OLD) {
        ret->extra_isize = vb_le16(b + I_EXTRA_ISIZE);
        if (ret->extra_isize > fs->inode_size - I_GOOD_OLD || ret->extra_isize % 4 != 0)
            return vb_fail(d, VB_ECORRUPT, "inode %u: extra size %u in a %u-byte inode", ino,
                           ret->extra_isize, fs->inode_size);
    }
    vb_memcpy(ret->i_block, b + I_BLOCK, EXT4_I_BLOCK_BYTES);
    return 0;
}

int ext4_check_plain(ext4_fs *fs, const ext4_inode *inode, const char *what) {
    if (inode->flags & EXT4_ENCRYPT_FL)
        return vb_fail(&fs->diag, VB_EUNSUPPORTED, "'%s' is encrypted (inode %u)", what,
                       inode->ino);
    if ((inode->flags & EXT4_COMPRBLK_FL) ||
        ((fs->feature_incompat & EXT4_INCOMPAT_COMPRESSION) && (inode->flags & EXT4_COMPR_FL)))
        return vb_fail(&fs->diag, VB_EUNSUPPORTED, "'%s' is compressed (inode %u)", what,
                       inode->ino);
    return 0;
}
