/* fat_impl.h: internals shared by fat.c, fat_dir.c and fat_file.c. */
#ifndef VB_FAT_IMPL_H
#define VB_FAT_IMPL_H

#include "fs/fat.h"

/* True when c is a data cluster number of this volume (2..count+1). */
static inline bool fat_cluster_valid(const fat_fs *fs, uint32_t c) {
    return c >= 2 && c - 2 < fs->cluster_count;
}

/* Byte offset of a valid cluster in the source (checked at mount to fit). */
static inline uint64_t fat_cluster_offset(const fat_fs *fs, uint32_t c) {
    return fs->data_offset + (uint64_t)(c - 2) * fs->cluster_size;
}

/* Starts a walk at first (which the caller has checked is valid). */
void fat_walk_start(fat_walk *w, uint32_t first);

/* Moves the walk to the next cluster of the chain. At the end of the chain
 * sets *ret_end and leaves the walk as it was. VB_ELOOP when the chain
 * comes back on itself (Brent's algorithm, and never more links than the
 * volume has clusters), VB_ECORRUPT for a link to a free, reserved, bad or
 * out-of-range cluster, or an I/O error. */
int fat_walk_next(fat_fs *fs, fat_walk *w, bool *ret_end);

/* Splits the next component off *path (skipping separators). Returns its
 * length (0 when the path is exhausted) and sets *ret_start. */
size_t fat_path_next(const char **path, const char **ret_start);

/* Finds path: fills *ret (the root is a directory with first_cluster 0). */
int fat_find(fat_fs *fs, const char *path, fat_dirent *ret);

#endif
