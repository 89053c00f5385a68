/* fs.h: one small API over every filesystem core reads (FAT12/16/32 and
 * ext2/3/4), so the loader and the host tool mount a partition without
 * knowing which it holds.
 *
 * fs_mount tries FAT, then ext2/3/4. Everything else forwards to the
 * mounted filesystem, whose path rules apply: FAT is case-insensitive and
 * takes '/' or '\\'; ext2/3/4 is case-sensitive, takes '/' only and follows
 * symlinks. The caller owns every object (a fs_volume embeds the larger of
 * fat_fs and ext4_fs). */
#ifndef VB_FS_H
#define VB_FS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "fs/ext4.h"
#include "fs/fat.h"
#include "lib/source.h"
#include "vb_config.h"

typedef enum fs_kind {
    FS_KIND_NONE = 0,
    FS_KIND_FAT = 1,
    FS_KIND_EXT4 = 2, /* ext2, ext3 or ext4 */
} fs_kind;

typedef struct fs_volume {
    fs_kind kind;
    union {
        fat_fs fat;
        ext4_fs ext4;
    } u;
    vb_diag diag; /* why fs_mount failed (afterwards: see fs_diag) */
} fs_volume;

typedef struct fs_file {
    union {
        fat_file fat;
        ext4_file ext4;
    } u;
} fs_file;

typedef struct fs_dir {
    fs_volume *vol;
    union {
        fat_dir fat;
        ext4_dir ext4;
    } u;
} fs_dir;

/* Longest name in a fs_dirent, NUL included (the larger of FAT's and ext4's). */
#define VB_FS_NAME_MAX (VB_FAT_NAME_MAX > VB_EXT4_NAME_MAX ? VB_FAT_NAME_MAX : VB_EXT4_NAME_MAX)

typedef struct fs_dirent {
    char name[VB_FS_NAME_MAX]; /* UTF-8 (FAT: the long name if any) */
    bool is_dir;
    bool is_symlink;     /* ext2/3/4 only (fs_stat follows links, fs_readdir does not) */
    uint64_t size;       /* bytes (0 for directories) */
    char short_name[40]; /* FAT: the 8.3 name ("" on ext2/3/4) */
    uint8_t attributes;  /* FAT: FAT_ATTR_* bits (0 on ext2/3/4) */
    uint16_t mode;       /* ext2/3/4: inode type and permission bits (0 on FAT) */
} fs_dirent;

/* Mounts the filesystem on src (copied; its ctx must outlive vol): FAT,
 * else ext2/3/4. Returns 0, VB_EFORMAT when neither recognises it, or the
 * error of the one whose signature matched (VB_ECORRUPT, VB_EUNSUPPORTED,
 * VB_ECHECKSUM, I/O errors); vol->diag says why. */
int fs_mount(fs_volume *vol, const vb_source *src);

/* "FAT12", "FAT16", "FAT32", "ext2", "ext3", "ext4", or "none". */
const char *fs_kind_name(const fs_volume *vol);

/* The detail of the last failure on a mounted volume (or of fs_mount). */
const vb_diag *fs_diag(const fs_volume *vol);

/* A regular file as a source (ctx = file, which must outlive it). */
int fs_lookup(fs_volume *vol, const char *path, fs_file *file, vb_source *ret_source);

/* Directory listing ("." and ".." skipped). fs_readdir returns 1 with an
 * entry, 0 at the end, or an error. */
int fs_opendir(fs_volume *vol, const char *path, fs_dir *dir);
int fs_readdir(fs_dir *dir, fs_dirent *ret);

/* Looks a path up without opening it ("" is the root, a directory). */
int fs_stat(fs_volume *vol, const char *path, fs_dirent *ret);

#endif
