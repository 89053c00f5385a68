/* fat.h: read-only FAT12/16/32 with long file names, mounted on a byte
 * source (normally a partition).
 *
 * The caller owns every object: a fat_fs (which embeds a small cache of FAT
 * blocks, sizes in vb_config.h), fat_dir iterators and fat_file handles,
 * which point back at their fat_fs. A file is itself a byte source. Every
 * boot-sector field, FAT entry and directory entry is untrusted: cluster
 * numbers are range-checked, chains are checked for loops (bounded by the
 * cluster count) and against the sizes the directory entries claim.
 *
 * Paths are '/'- or '\\'-separated, relative to the root (a leading
 * separator is optional), and matched case-insensitively for ASCII letters
 * against the long name or the 8.3 name. "." components are skipped; ".."
 * is refused (VB_EPATH). Errors record a detail in fs->diag. */
#ifndef VB_FAT_H
#define VB_FAT_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"
#include "vb_config.h"

typedef enum fat_type {
    FAT_TYPE_12 = 12,
    FAT_TYPE_16 = 16,
    FAT_TYPE_32 = 32,
} fat_type;

/* Directory entry attribute bits. */
#define FAT_ATTR_READ_ONLY 0x01
#define FAT_ATTR_HIDDEN    0x02
#define FAT_ATTR_SYSTEM    0x04
#define FAT_ATTR_VOLUME_ID 0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE   0x20

typedef struct fat_cache_block {
    uint64_t offset;   /* byte offset within the FAT; UINT64_MAX when empty */
    uint32_t last_use; /* for least-recently-used replacement */
    uint8_t data[VB_FAT_CACHE_BLOCK_BYTES];
} fat_cache_block;

/* A position in a cluster chain: `cluster` is the index-th cluster (0 =
 * first), plus the state of Brent's cycle detection. */
typedef struct fat_walk {
    uint32_t cluster;
    uint32_t index;
    uint32_t tortoise;
    uint32_t lam;
    uint64_t power;
} fat_walk;

typedef struct fat_fs {
    vb_source src;             /* copy of the source mounted on */
    fat_type type;             /* by the FAT rules: FAT32 when the 16-bit
                                  FAT size is 0, else FAT12 below 4085 clusters */
    uint32_t bytes_per_sector; /* 512, 1024, 2048 or 4096 */
    uint32_t cluster_size;     /* bytes */
    uint32_t cluster_count;    /* data clusters: valid numbers are 2..count+1 */
    uint64_t fat_offset;       /* byte offset of the FAT in use */
    uint64_t fat_bytes;        /* size of one FAT */
    uint64_t root_offset;      /* FAT12/16: byte offset of the fixed root dir */
    uint32_t root_entries;     /* FAT12/16: its entry count */
    uint32_t root_cluster;     /* FAT32: first cluster of the root directory */
    uint64_t data_offset;      /* byte offset of cluster 2 */
    uint32_t volume_id;        /* serial number (0 if the BPB has none) */
    char label[12];            /* volume label from the BPB, trimmed */
    uint32_t cache_clock;
    fat_cache_block cache[VB_FAT_CACHE_BLOCKS];
    vb_diag diag;
} fat_fs;

/* Mounts the filesystem on src (the source is copied; its ctx must outlive
 * fs). Returns 0, VB_EFORMAT (not a FAT boot sector), VB_ECORRUPT (fields
 * that contradict each other or the source size), VB_EUNSUPPORTED or an I/O
 * error. */
int fat_mount(fat_fs *fs, const vb_source *src);

/* fat_mount, but a failure's detail goes to *d rather than fs->diag (so
 * fs_mount can probe FAT and ext2/3/4 in the same memory). */
int fat_probe(fat_fs *fs, const vb_source *src, vb_diag *d);

/* Short name of the type: "FAT12", "FAT16" or "FAT32". */
const char *fat_type_name(fat_type type);

typedef struct fat_dirent {
    char name[VB_FAT_NAME_MAX]; /* the long name (UTF-8) if valid, else 8.3 */
    /* "NAME.EXT" as stored, code page 437 decoded to UTF-8, NT lower-case
     * flags applied (12 characters of up to 3 bytes). */
    char short_name[40];
    uint8_t attributes; /* FAT_ATTR_* */
    bool is_dir;
    uint32_t first_cluster;
    uint64_t size; /* bytes (0 for directories) */
} fat_dirent;

typedef struct fat_dir {
    fat_fs *fs;
    bool fixed_root;        /* FAT12/16 root: a fixed region, no chain */
    uint32_t first_cluster; /* chained directories */
    uint64_t offset;        /* byte offset of the next entry in the dir */
    fat_walk cursor;        /* chained: the cluster holding `offset` */
    uint64_t block_offset;  /* dir offset of block[]; UINT64_MAX when empty */
    uint8_t block[512];
    /* Long-name assembly: up to 20 entries of 13 units. */
    uint16_t lfn[260];
    uint8_t lfn_checksum;
    uint8_t lfn_expect; /* sequence number expected next; 0 = none pending */
    uint8_t lfn_total;  /* entries in this long name */
    bool done;
} fat_dir;

/* Opens the directory at path ("" or "/" is the root). */
int fat_opendir(fat_fs *fs, const char *path, fat_dir *dir);

/* Reads the next entry into *ret (skipping ".", "..", deleted entries and
 * the volume label). Returns 1 with an entry, 0 at the end, or an error. */
int fat_readdir(fat_dir *dir, fat_dirent *ret);

/* Looks a path up without opening it. The root gives is_dir, name "". */
int fat_stat(fat_fs *fs, const char *path, fat_dirent *ret);

typedef struct fat_file {
    fat_fs *fs;
    uint32_t first_cluster;
    uint64_t size;
    uint32_t clusters; /* length of the cluster chain (walked at open) */
    uint32_t runs;     /* contiguous runs in the chain (1 = unfragmented) */
    fat_walk cursor;   /* read position (first cluster when clusters == 0) */
} fat_file;

/* Opens a regular file and fills *ret_source with a source over its bytes
 * (ctx = file; the file struct must outlive the source). The whole cluster
 * chain is walked once: VB_ELOOP if it loops, VB_ECORRUPT if it leaves the
 * volume or is shorter than the size in the directory entry. VB_ENOTFOUND
 * if the path does not exist, VB_EINVAL if it is a directory. Reads of
 * contiguous clusters become one read of the underlying source. */
int fat_lookup(fat_fs *fs, const char *path, fat_file *file, vb_source *ret_source);

#endif
