/* inflate.h: freestanding DEFLATE decoder (RFC 1951) with the zlib wrapper
 * (RFC 1950) and its Adler-32 check.
 *
 * Trusts nothing in the compressed input. Never writes outside
 * dst[0, dst_cap); no heap: the decode tables live in a caller-owned
 * inflate_state (about 16 KiB, sized in vb_config.h), which needs no
 * initialisation and may be reused for any number of streams, one at a time.
 *
 * Format selection (inflate_format):
 *   ZLIB  the 2-byte zlib header (CM 8, CINFO <= 7, FCHECK, no FDICT), the
 *         deflate data, then the big-endian Adler-32 of the output.
 *   RAW   bare deflate data.
 *   AUTO  ZLIB when the first two bytes form a valid zlib header, else RAW.
 *         A raw stream could only look like a zlib header if it began with a
 *         non-final stored block whose padding bits are not zero (the low
 *         nibble of a zlib CMF byte is 8), which no encoder writes.
 *
 * Errors: VB_EDEFLATE for anything wrong with the stream (bad header, bad
 * block type, stored-length mismatch, over-subscribed or incomplete code,
 * invalid symbol, distance before the output start, input ending inside the
 * stream, output longer than dst_cap, too many empty blocks in a row, and,
 * for inflate_exact, output shorter than dst_len); VB_ECHECKSUM for an
 * Adler-32 mismatch. The diag (may be NULL) gets a one-line detail. */
#ifndef VB_INFLATE_H
#define VB_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"
#include "vb_config.h"

typedef enum inflate_format {
    INFLATE_FORMAT_AUTO = 0, /* zlib if it has a valid zlib header, else raw */
    INFLATE_FORMAT_ZLIB = 1, /* RFC 1950 */
    INFLATE_FORMAT_RAW = 2,  /* RFC 1951 only */
} inflate_format;

/* Alphabet sizes of RFC 1951 (including the two unused symbols of each). */
#define INFLATE_LITLEN_SYMS  288
#define INFLATE_DIST_SYMS    32
#define INFLATE_PRECODE_SYMS 19
#define INFLATE_MAX_CODE_LEN 15

/* Table sizes: a primary table of 2^bits entries plus second-level tables
 * for codes longer than bits. A second-level table of k index bits covers a
 * complete subtree holding at least k + 1 codes, and 2^k / (k + 1) grows
 * with k, so the second-level tables of an n-symbol alphabet never need
 * more than n * 2^K / (K + 1) entries with K = 15 - bits. The table builder
 * also checks the bound at run time. */
#define INFLATE_TABLE_SIZE(bits, syms)                                                             \
    ((1u << (bits)) +                                                                              \
     (syms) * (1u << (INFLATE_MAX_CODE_LEN - (bits))) / (INFLATE_MAX_CODE_LEN + 1 - (bits)))
#define INFLATE_LITLEN_TABLE_SIZE INFLATE_TABLE_SIZE(VB_INFLATE_LITLEN_BITS, INFLATE_LITLEN_SYMS)
#define INFLATE_DIST_TABLE_SIZE   INFLATE_TABLE_SIZE(VB_INFLATE_DIST_BITS, INFLATE_DIST_SYMS)
#define INFLATE_PRECODE_BITS      7

typedef struct inflate_state {
    uint32_t litlen[INFLATE_LITLEN_TABLE_SIZE];
    uint32_t dist[INFLATE_DIST_TABLE_SIZE];
    uint32_t precode[1u << INFLATE_PRECODE_BITS];
    uint8_t lens[INFLATE_LITLEN_SYMS + INFLATE_DIST_SYMS];
    bool fixed_loaded; /* litlen/dist hold the fixed code (reset per call) */
} inflate_state;

/* Decodes one complete stream from src[0, src_len) into dst[0, dst_cap).
 * On success *ret_out_len (may be NULL) is the number of bytes produced and
 * *ret_in_len (may be NULL) the number of input bytes the stream occupied
 * (trailing input after it is ignored). Bytes of dst after the produced
 * ones, up to dst_cap, may have been overwritten. */
int inflate_decompress(inflate_state *st, inflate_format format, const void *src, size_t src_len,
                       void *dst, size_t dst_cap, size_t *ret_out_len, size_t *ret_in_len,
                       vb_diag *diag);

/* As inflate_decompress, but the stream must produce exactly dst_len bytes:
 * a stream that ends early or runs long is VB_EDEFLATE. */
int inflate_exact(inflate_state *st, inflate_format format, const void *src, size_t src_len,
                  void *dst, size_t dst_len, vb_diag *diag);

/* True when b[0], b[1] form a valid zlib header (what AUTO tests). */
bool inflate_is_zlib_header(const uint8_t b[2]);

/* Adler-32 (RFC 1950) of buf continued from adler (start with 1). */
uint32_t adler32_update(uint32_t adler, const void *buf, size_t len);

#endif
