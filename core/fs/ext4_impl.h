/* ext4_impl.h: internals shared by ext4.c (superblock, group descriptors,
 * inodes), ext4_map.c (block maps, extents, file reads) and ext4_dir.c
 * (directories, paths, symlinks). */
#ifndef VB_EXT4_IMPL_H
#define VB_EXT4_IMPL_H

#include "fs/ext4.h"

#define EXT4_ROOT_INO 2

/* Feature bits (superblock s_feature_incompat). */
#define EXT4_INCOMPAT_COMPRESSION 0x00001
#define EXT4_INCOMPAT_FILETYPE    0x00002
#define EXT4_INCOMPAT_RECOVER     0x00004
#define EXT4_INCOMPAT_JOURNAL_DEV 0x00008
#define EXT4_INCOMPAT_META_BG     0x00010
#define EXT4_INCOMPAT_EXTENTS     0x00040
#define EXT4_INCOMPAT_64BIT       0x00080
#define EXT4_INCOMPAT_MMP         0x00100
#define EXT4_INCOMPAT_FLEX_BG     0x00200
#define EXT4_INCOMPAT_EA_INODE    0x00400
#define EXT4_INCOMPAT_DIRDATA     0x01000
#define EXT4_INCOMPAT_CSUM_SEED   0x02000
#define EXT4_INCOMPAT_LARGEDIR    0x04000
#define EXT4_INCOMPAT_INLINE_DATA 0x08000
#define EXT4_INCOMPAT_ENCRYPT     0x10000
#define EXT4_INCOMPAT_CASEFOLD    0x20000

#define EXT4_COMPAT_HAS_JOURNAL      0x0004
#define EXT4_RO_COMPAT_HUGE_FILE     0x0008
#define EXT4_RO_COMPAT_METADATA_CSUM 0x0400

/* Inode i_flags. */
#define EXT4_COMPR_FL       0x00000004
#define EXT4_COMPRBLK_FL    0x00000200
#define EXT4_ENCRYPT_FL     0x00000800
#define EXT4_HUGE_FILE_FL   0x00040000
#define EXT4_EXTENTS_FL     0x00080000
#define EXT4_INLINE_DATA_FL 0x10000000
#define EXT4_CASEFOLD_FL    0x40000000

/* Inode i_mode type bits. */
#define EXT4_S_IFMT  0xF000
#define EXT4_S_IFLNK 0xA000
#define EXT4_S_IFREG 0x8000
#define EXT4_S_IFDIR 0x4000

/* Bytes of i_block (15 32-bit words). */
#define EXT4_I_BLOCK_BYTES 60

/* The fields of an on-disk inode this reader uses. */
typedef struct ext4_inode {
    uint32_t ino;
    uint16_t mode;
    uint32_t flags;
    uint64_t size;
    uint64_t sectors;     /* i_blocks in 512-byte units */
    uint64_t file_acl;    /* extended-attribute block, 0 if none */
    uint64_t disk_offset; /* byte offset of the inode in the source */
    uint32_t extra_isize; /* bytes past the first 128 in use (0 if none) */
    uint8_t i_block[EXT4_I_BLOCK_BYTES];
} ext4_inode;

static inline uint32_t ext4_type(uint16_t mode) {
    return mode & EXT4_S_IFMT;
}

/* Reads and checks inode ino (1..inode_count). */
int ext4_read_inode(ext4_fs *fs, uint32_t ino, ext4_inode *ret);

/* Refuses (VB_EUNSUPPORTED) an inode whose data is encrypted or compressed. */
int ext4_check_plain(ext4_fs *fs, const ext4_inode *inode, const char *what);

/* Prepares *f to read inode's bytes: checks its size, locates its inline
 * data. Directory reads treat a hole as corruption. */
int ext4_file_init(ext4_fs *fs, const ext4_inode *inode, ext4_file *f);

/* Reads len bytes at offset of the file (offset + len <= f->size). With
 * holes_ok false, a block that is a hole or an uninitialized extent is
 * VB_ECORRUPT (directories and symlinks have none). */
int ext4_file_read(ext4_file *f, uint64_t offset, void *buf, size_t len, bool holes_ok);

#endif
