/* ext4.h: read-only ext2/ext3/ext4, mounted on a byte source (normally a
 * partition).
 *
 * The caller owns every object: an ext4_fs (no block cache: metadata is
 * read in small pieces straight from the source, which for a VMDK has its
 * own grain cache), ext4_dir iterators and ext4_file handles, which point
 * back at their ext4_fs. A file is itself a byte source. Every superblock
 * field, group descriptor, inode, extent, block pointer and directory
 * entry is untrusted and checked before it is used.
 *
 * Supported: ext2 block maps (direct, indirect, double, triple), extents
 * (depth <= 5, uninitialized extents read as zeros), holes (zeros),
 * 64bit, flex_bg, meta_bg, filetype, htree directories (read linearly),
 * inline_data files and directories, fast and slow symlinks, large
 * directories. A filesystem that needs journal recovery is read as it is
 * (sets EXT4_FS_NEEDS_RECOVERY). Checksums (metadata_csum): only the
 * superblock's crc32c is verified (skipped when built with
 * VB_FUZZ_NO_CHECKSUM); the other structures are range-checked instead.
 * Refused: an external journal device or the dirdata feature at mount,
 * unknown incompatible features at mount (VB_EUNSUPPORTED), encrypted and
 * compressed files and directories when they are used (VB_EUNSUPPORTED).
 *
 * Paths are '/'-separated and case-sensitive, relative to the root (a
 * leading '/' is optional). "." and ".." follow the directory entries, so
 * ".." never leaves the root. Symbolic links are followed in every
 * component (absolute targets from the filesystem root), at most
 * VB_EXT4_SYMLINKS_MAX times per lookup (VB_ELOOP beyond). In a
 * case-insensitive (casefold) directory only the exact name is found; any
 * other spelling is VB_EUNSUPPORTED. Errors record a detail in fs->diag. */
#ifndef VB_EXT4_H
#define VB_EXT4_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"
#include "vb_config.h"

/* ext4_fs.flags */
#define EXT4_FS_NEEDS_RECOVERY 0x1 /* the journal holds changes not yet replayed */
#define EXT4_FS_HAS_JOURNAL    0x2 /* ext3/ext4 journal (has_journal) */
#define EXT4_FS_EXTENTS        0x4 /* extents feature (ext4) */
#define EXT4_FS_METADATA_CSUM  0x8 /* metadata_csum: the superblock crc32c was verified */

typedef struct ext4_fs {
    vb_source src;             /* copy of the source mounted on */
    uint32_t block_size;       /* bytes: 1024 .. 65536 */
    uint32_t block_shift;      /* log2(block_size) */
    uint64_t block_count;      /* blocks in the filesystem (all inside src) */
    uint32_t first_data_block; /* 1 for 1 KiB blocks, else 0 */
    uint32_t blocks_per_group;
    uint32_t inodes_per_group;
    uint32_t inode_count;    /* valid inode numbers are 1..inode_count */
    uint32_t group_count;    /* block groups */
    uint32_t inode_size;     /* bytes per inode table slot: 128 .. block_size */
    uint32_t desc_size;      /* bytes per group descriptor: 32, or 64.. (64bit) */
    uint32_t first_meta_bg;  /* meta_bg: first descriptor block laid out by meta_bg */
    uint32_t feature_compat; /* superblock feature words, as on disk */
    uint32_t feature_incompat;
    uint32_t feature_ro_compat;
    uint32_t flags;   /* EXT4_FS_* */
    uint8_t uuid[16]; /* filesystem UUID, as stored */
    char label[17];   /* volume name, NUL-terminated, controls as '?' */
    /* Most directory bytes one lookup may scan (VB_ELIMIT beyond); set to
     * VB_EXT4_LOOKUP_SCAN_MAX by ext4_mount, callers may lower it. */
    uint64_t lookup_scan_max;
    vb_diag diag;
} ext4_fs;

/* Mounts the filesystem on src (the source is copied; its ctx must outlive
 * fs). Returns 0, VB_EFORMAT (no ext2/3/4 superblock magic), VB_ECORRUPT
 * (fields that contradict each other or the source size), VB_ECHECKSUM
 * (metadata_csum superblock checksum), VB_EUNSUPPORTED (an incompatible
 * feature listed above) or an I/O error. */
int ext4_mount(ext4_fs *fs, const vb_source *src);

/* ext4_mount, but a failure's detail goes to *d rather than fs->diag (so
 * fs_mount can probe FAT and ext2/3/4 in the same memory). */
int ext4_probe(ext4_fs *fs, const vb_source *src, vb_diag *d);

/* "ext2", "ext3" or "ext4", by the features the superblock lists. */
const char *ext4_kind_name(const ext4_fs *fs);

/* Directory entry / stat result. */
typedef struct ext4_dirent {
    char name[VB_EXT4_NAME_MAX]; /* bytes as stored (normally UTF-8), NUL-terminated;
                                    a NUL or '/' on disk shows as '?' */
    uint32_t ino;                /* inode number */
    uint16_t mode;               /* inode mode: type bits 0xF000 and permissions */
    bool is_dir;
    bool is_symlink;
    uint64_t size; /* bytes (for a symlink: the length of its target) */
} ext4_dirent;

/* Mapping cache of an open file: consecutive runs of logical blocks, each
 * either on disk (start > 0) or reading as zeros (start == 0: a hole or an
 * uninitialized extent), covering [runs[0].logical, end of the last run). */
typedef struct ext4_run {
    uint64_t logical; /* first logical block */
    uint64_t count;   /* blocks */
    uint64_t start;   /* first physical block, or 0 for zeros */
} ext4_run;

typedef struct ext4_file {
    ext4_fs *fs;
    uint32_t ino;
    uint16_t mode;
    uint32_t inode_flags; /* i_flags */
    uint64_t size;
    uint8_t i_block[60];    /* the inode's block map / extent root / inline bytes */
    uint64_t inline_offset; /* inline_data: byte offset of the "system.data" value */
    uint32_t inline_size;   /* bytes of it (0 if none) */
    uint32_t run_count;     /* runs[] in use */
    ext4_run runs[VB_EXT4_RUNS];
} ext4_file;

/* Opens a regular file (symlinks followed) and fills *ret_source with a
 * source over its bytes (ctx = file; the file struct must outlive the
 * source). VB_ENOTFOUND if the path does not exist, VB_EINVAL if it is a
 * directory or not a regular file, VB_EUNSUPPORTED if it is encrypted or
 * compressed. Reads of physically contiguous blocks (within one extent or
 * across adjacent ones) become one read of the underlying source. */
int ext4_lookup(ext4_fs *fs, const char *path, ext4_file *file, vb_source *ret_source);

typedef struct ext4_dir {
    ext4_file file;     /* the directory's bytes */
    uint64_t offset;    /* byte offset of the next entry */
    uint64_t seg_end;   /* end of the block (or inline area) holding offset */
    uint64_t win_start; /* directory offset of win[] */
    uint32_t win_len;   /* bytes valid in win[] (0 = empty) */
    uint8_t win[VB_EXT4_DIR_WINDOW];
} ext4_dir;

/* Opens the directory at path ("" or "/" is the root; symlinks followed). */
int ext4_opendir(ext4_fs *fs, const char *path, ext4_dir *dir);

/* Reads the next entry into *ret (skipping "." and ".."; the entry's inode
 * is read for its size and mode). Returns 1 with an entry, 0 at the end,
 * or an error. */
int ext4_readdir(ext4_dir *dir, ext4_dirent *ret);

/* Looks a path up (symlinks followed, like stat(2)) without opening it.
 * The root gives is_dir and name "". */
int ext4_stat(ext4_fs *fs, const char *path, ext4_dirent *ret);

/* Like ext4_stat but a symlink in the last component is not followed
 * (like lstat(2)); with a buffer, also copies its target (NUL-terminated)
 * into target[cap] (VB_ELIMIT if it does not fit). */
int ext4_lstat(ext4_fs *fs, const char *path, ext4_dirent *ret, char *target, size_t cap);

#endif
