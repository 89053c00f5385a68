/* vmdk_stream_write.h: writes a streamOptimized VMDK in VMware's layout, in
 * one sequential pass (every write appends):
 *
 *   header (version 3, compressed grains + markers, gdOffset all-ones),
 *   embedded descriptor (createType="streamOptimized"), zeros up to
 *   overHead; per stored grain a marker { u64 LBA, u32 size } + zlib data
 *   padded to a sector, and after the grains of each grain table a GT
 *   marker + the table; then a GD marker + the directory, a footer marker +
 *   the footer (the header with the real gdOffset), an end-of-stream marker.
 *
 * Grains go in by increasing index; all-zero grains are not stored. The
 * caller supplies the output (a source's write side: every write appends
 * at the end, so one that only appends will do), the compressor (a
 * callback: core stays freestanding), and the grain directory's memory
 * (vmdk_swrite_gd_entries entries). Nothing here allocates. */
#ifndef VB_VMDK_STREAM_WRITE_H
#define VB_VMDK_STREAM_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"

/* Compresses in[0, in_len) as one zlib stream (RFC 1950) into
 * out[0, out_cap); sets *ret_len. Returns 0 or a vb_err (VB_ELIMIT when it
 * does not fit). */
typedef int (*vmdk_compress_fn)(void *ctx, const void *in, size_t in_len, void *out, size_t out_cap,
                                size_t *ret_len);

#define VMDK_SWRITE_GRAIN_SECTORS 128u /* 64 KiB grains, as VMware and qemu-img */
#define VMDK_SWRITE_GRAIN_BYTES   (VMDK_SWRITE_GRAIN_SECTORS * 512u)
#define VMDK_SWRITE_GTES          512u /* entries per grain table */
#define VMDK_SWRITE_DESC_SECTORS  20u  /* room for the embedded descriptor */
#define VMDK_SWRITE_OVERHEAD      128u /* sectors before the first grain */
/* Largest compressed grain accepted (the reader's limit, so every reader
 * of ours takes it back). */
#define VMDK_SWRITE_COMPRESSED_MAX (VMDK_SWRITE_GRAIN_BYTES + VMDK_SWRITE_GRAIN_BYTES / 1024u + 64u)
/* Buffer of a marker + compressed grain + sector padding; also holds the
 * header + descriptor sectors. */
#define VMDK_SWRITE_BUFFER_BYTES (12u + VMDK_SWRITE_COMPRESSED_MAX + 512u)

typedef struct vmdk_swrite_options {
    uint64_t capacity;       /* virtual size in sectors (> 0) */
    uint32_t cid;            /* content id for the descriptor */
    const char *extent_name; /* the file name in the extent line (no quotes, no newline) */
    vb_source *out;          /* the new file, written through vb_source_write (the caller's) */
    vmdk_compress_fn compress;
    void *compress_ctx;
    uint32_t *gd;      /* caller memory for the grain directory */
    uint64_t gd_count; /* its entries: at least vmdk_swrite_gd_entries(capacity) */
} vmdk_swrite_options;

typedef struct vmdk_stream_writer {
    vmdk_swrite_options opt;
    uint64_t grains;     /* grains of the capacity */
    uint64_t gd_entries; /* entries of the directory */
    uint64_t pos;        /* bytes written so far (the next write's offset) */
    uint64_t next_grain; /* the lowest grain index still accepted */
    uint64_t gt_index;   /* the directory entry gt[] belongs to */
    bool gt_dirty;       /* gt[] holds a grain not yet written out */
    bool failed;         /* sticky: an error ended the stream */
    uint64_t stored;     /* grains stored (not all-zero) */
    uint32_t gt[VMDK_SWRITE_GTES];
    uint8_t buf[VMDK_SWRITE_BUFFER_BYTES];
    vb_diag diag;
} vmdk_stream_writer;

/* Directory entries for a capacity in sectors. */
uint64_t vmdk_swrite_gd_entries(uint64_t capacity);

/* Checks the options and writes the header, descriptor and padding up to
 * the first grain. */
int vmdk_swrite_begin(vmdk_stream_writer *w, const vmdk_swrite_options *options);

/* Bytes of grain `grain` inside the capacity (64 KiB except maybe the last). */
uint64_t vmdk_swrite_grain_bytes(const vmdk_stream_writer *w, uint64_t grain);

/* Stores grain `grain` (data holds vmdk_swrite_grain_bytes of it): nothing
 * when all zero, else compressed behind its marker. Grains come in
 * increasing order; a skipped grain reads back as zeros. */
int vmdk_swrite_grain(vmdk_stream_writer *w, uint64_t grain, const void *data, size_t len);

/* Writes the last grain table, the directory, the footer and the
 * end-of-stream marker, then flushes. */
int vmdk_swrite_finish(vmdk_stream_writer *w);

/* The one-line detail of the last failure. */
const char *vmdk_swrite_detail(const vmdk_stream_writer *w);

#endif
