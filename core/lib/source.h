/* source.h: the byte source and opener interfaces every layer stacks on.
 *
 * A source is anything that can be read at a byte offset: a host file, a
 * firmware file, a partition, a VMDK disk, a file inside a filesystem. */
#ifndef VB_SOURCE_H
#define VB_SOURCE_H

#include <stdint.h>
#include <stddef.h>

typedef struct vb_source {
    void *ctx;     /* owned by whoever made the source */
    uint64_t size; /* bytes; reads must stay within [0, size) */
    /* Reads exactly len bytes at offset into buf. Returns 0 or a negative
     * vb_err. A read that reaches past size is VB_ERANGE, never short. */
    int (*read)(void *ctx, uint64_t offset, void *buf, size_t len);
    /* The optional write side (NULL: read-only). Writes exactly len bytes
     * at offset; a write that ends past size extends the source (callers
     * go through vb_source_write, which updates size). A write may start
     * past size: the gap then reads as zeros (the writers of new disks
     * leave preallocated tables to that). An implementation that cannot
     * guarantee the zeros refuses such a write with VB_ERANGE. Returns 0
     * or a negative vb_err. */
    int (*write)(void *ctx, uint64_t offset, const void *buf, size_t len);
    /* Makes every write that returned before it durable. NULL: nothing to
     * do (memory). Returns 0 or a negative vb_err. */
    int (*flush)(void *ctx);
} vb_source;

typedef struct vb_opener {
    void *ctx;
    /* Opens a file by a '/'-separated path relative to the folder of the
     * top-level descriptor (core has already joined and checked it). Fills
     * *ret_source on success. Returns 0, VB_ENOTFOUND, VB_EIO, ... */
    int (*open)(void *ctx, const char *path, vb_source *ret_source);
    /* Like open, but for reading and writing (the source gets write and
     * flush). NULL: the opener cannot open files for writing. A file that
     * cannot be written is VB_EREADONLY. */
    int (*open_rw)(void *ctx, const char *path, vb_source *ret_source);
    /* Creates the new, empty file path (no '/': a file in the opener's
     * folder) for reading and writing and fills *ret_source, size 0. A
     * file that exists is VB_EEXIST unless the platform was told to
     * overwrite it. NULL: the opener cannot create files. */
    int (*create)(void *ctx, const char *path, vb_source *ret_source);
    /* Releases a source returned by open, open_rw or create. May be NULL. */
    void (*close)(void *ctx, vb_source *source);
} vb_opener;

/* Reads from a source with the range check done here, once: offset + len
 * must not overflow nor pass src->size. */
int vb_source_read(const vb_source *src, uint64_t offset, void *buf, size_t len);

/* Writes through a source's write side: VB_EREADONLY without one.
 * offset + len must not overflow; a write that ends past size extends the
 * source and src->size, and one that starts past size leaves a gap that
 * reads as zeros (see vb_source.write). */
int vb_source_write(vb_source *src, uint64_t offset, const void *buf, size_t len);

/* Flushes a source's writes (0 when it has no flush; VB_EREADONLY when it
 * has no write side). */
int vb_source_flush(const vb_source *src);

/* A slice [offset, offset + size) of a parent source, itself a source (used
 * for partitions). The slice struct must outlive the source made from it. */
typedef struct vb_slice {
    const vb_source *parent;
    uint64_t offset;
    uint64_t size;
} vb_slice;

/* Fills *ret_source with the slice; VB_ERANGE if it does not fit the parent. */
int vb_slice_init(vb_slice *slice, const vb_source *parent, uint64_t offset, uint64_t size,
                  vb_source *ret_source);

/* A source over a caller-owned memory buffer (tests, fuzzers, tables). */
typedef struct vb_memsource {
    const uint8_t *data;
    uint64_t size;
} vb_memsource;

void vb_memsource_init(vb_memsource *mem, const void *data, uint64_t size, vb_source *ret_source);

#endif
