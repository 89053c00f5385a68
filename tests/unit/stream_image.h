/* stream_image.h: writes streamOptimized files in VMware's layout, from the
 * format notes (shared/docs/vmdk-format.md section 4), for unit tests and
 * for the differential tests' generator (tests/diff/mkstream.c):
 *
 *   header (gdOffset all-ones), embedded descriptor, zero padding up to
 *   overHead, one grain marker + compressed grain per stored grain, then
 *   for each grain table in use a GT marker and the table, a GD marker and
 *   the directory, a footer marker, the footer (the header with the real
 *   gdOffset) and an end-of-stream marker.
 *
 * Grains are compressed with zlib (test code only). Grains that are all
 * zero are left out. */
#ifndef VB_TEST_STREAM_IMAGE_H
#define VB_TEST_STREAM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Produces the stored bytes of one grain (the default is zlib's compress2
 * at spec->level, or raw deflate). Returns the size, or 0 to use the
 * default. */
typedef size_t (*stream_compress_fn)(void *ctx, uint64_t grain, const uint8_t *in, size_t n,
                                     uint8_t *out, size_t cap);

typedef struct stream_spec {
    uint64_t capacity;      /* sectors */
    uint64_t grain;         /* sectors per grain (0 = 128) */
    uint32_t version;       /* header version (0 = 3) */
    uint32_t gtes;          /* entries per grain table (0 = 512) */
    int level;              /* zlib level (0 = 6; use -1 for zlib's default) */
    bool raw_deflate;       /* grains as bare RFC 1951 streams instead of zlib */
    bool pad_last_grain;    /* a partial last grain is compressed as a whole grain */
    bool reverse;           /* write the grains in reverse order */
    bool keep_zero_grains;  /* store all-zero grains too */
    const char *name;       /* file name in the descriptor's extent line (0 = "disk.vmdk") */
    const char *descriptor; /* embedded descriptor text (0 = a generated one) */
    stream_compress_fn compress;
    void *compress_ctx;
} stream_spec;

/* Where things went (sectors of the file). */
typedef struct stream_layout {
    uint64_t grains;        /* grains of the capacity */
    uint64_t *grain_marker; /* per grain: sector of its marker, 0 if not stored */
    uint64_t gd_entries;
    uint64_t *gt;      /* per GD index: sector of the table (after its marker), 0 if none */
    uint64_t gd;       /* sector of the directory (after its marker) */
    uint64_t footer;   /* sector of the footer (its marker is the sector before) */
    uint64_t eos;      /* sector of the end-of-stream marker (the last one) */
    uint64_t overhead; /* sector of the first grain */
} stream_layout;

/* Builds the file from raw (capacity * 512 bytes) into a malloc'd buffer. */
void stream_build(const stream_spec *spec, const uint8_t *raw, uint8_t **ret_data, size_t *ret_size,
                  stream_layout *ret_layout);
void stream_layout_free(stream_layout *layout);

/* Writes a 512-byte KDMV header as the generator does (for tests that
 * patch headers): gd_offset may be all-ones. */
void stream_header(uint8_t out[512], const stream_spec *spec, uint64_t desc_sectors,
                   uint64_t overhead, uint64_t gd_offset);

#endif
