/* vmdk_write_internal.h: the writer's state (borrowed memory, see
 * vmdk_write.h) and what the vmdk_write*.c files share. Not public. */
#ifndef VB_VMDK_WRITE_INTERNAL_H
#define VB_VMDK_WRITE_INTERNAL_H

#include "vmdk/vmdk_internal.h"
#include "vmdk/vmdk_write.h"

/* Grain-table entries and new tables held until the next commit: the data
 * they point at is written, not yet flushed. */
#define VMDK_WRITE_GRAINS_MAX 64
#define VMDK_WRITE_TABLES_MAX 8

/* A grain-table entry to set: grain `grain` of extent `extent` -> gte. */
typedef struct vmdk_write_grain {
    uint32_t extent;
    uint32_t gte;
    uint64_t grain;
} vmdk_write_grain;

/* A new grain table (primary at sector, redundant at rsector or 0) for
 * directory entry gd_index, written as zeros, not yet in the directory. */
typedef struct vmdk_write_table {
    uint32_t extent;
    uint32_t sector, rsector;
    uint64_t gd_index;
} vmdk_write_table;

typedef struct vmdk_writer {
    bool started; /* the CID is new and uncleanShutdown is set */
    int failed;   /* sticky failure after the checks, 0 if none */
    unsigned grain_count, table_count;
    vmdk_write_grain grains[VMDK_WRITE_GRAINS_MAX];
    vmdk_write_table tables[VMDK_WRITE_TABLES_MAX];
    uint8_t table_buf[VB_GT_BLOCK_ENTRIES * 4]; /* one KDMV grain table */
    size_t grain_bytes;                         /* of grain_buf */
    uint8_t grain_buf[];                        /* one grain of the largest grain size */
} vmdk_writer;

/* Records a failed platform write (len > 0) or flush (len 0) of file with
 * a detail in *diag; returns err (vmdk_write_failed.c). */
int vmdk_write_failed(vb_diag *diag, const char *file, int err, uint64_t offset, uint64_t len);

/* ---- hosted sparse extents (vmdk_write_sparse.c) ---- */

/* Writes [off, off + len) of sparse extent ei (off: byte offset in the
 * extent, within one grain; virt: the same byte in the disk) whose piece
 * the top link's map gave: in place when the grain is stored, else into a
 * new grain (the rest from the parent or zeros) whose entry is queued. */
int vmdk_write_sparse_piece(vmdk_disk *disk, unsigned ei, uint64_t off, uint64_t virt,
                            const uint8_t *buf, size_t len, const vmdk_piece *piece);

/* Links what is queued: flush, grain tables (both copies), then (after
 * another flush) directory entries of new tables. */
int vmdk_write_sparse_commit(vmdk_disk *disk);

/* ---- descriptor (vmdk_descriptor_write.c) ---- */

/* Gives the top link's descriptor a new CID (not the old one, not
 * ffffffff/fffffffe), rewritten in place: the text stays NUL-terminated
 * inside its file or embedded area, the rest of the old text NUL-padded. */
int vmdk_descriptor_write_cid(vmdk_disk *disk, uint32_t seed);

#endif
