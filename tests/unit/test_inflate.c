/* Unit tests of core/inflate/inflate.c and core/inflate/adler32.c.
 *
 * Differential part: seeded random inputs of several shapes, compressed by
 * zlib at every level with every strategy (zlib and raw wrappers, assorted
 * window sizes and flushes), must decode to the input byte for byte.
 * Hand-made streams (a small bit writer below) cover what zlib never writes
 * (distance 32768, single-code and random long codes) and every error path,
 * each asserting its exact code. */
#include <zlib.h>
#include "inflate/inflate.h"
#include "test.h"
#include "lib/util.h"

static inflate_state state;

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static unsigned rng_below(uint64_t *s, unsigned n) {
    return (unsigned)(rng_next(s) % n);
}

enum {
    DATA_RANDOM,
    DATA_TEXT,
    DATA_RUNS,
    DATA_SMALL_ALPHABET,
    DATA_REPEATS,
    DATA_ZEROS,
    DATA_MIXED,
    DATA_KINDS
};

static void gen_data(uint64_t *rng, uint8_t *buf, size_t n, int kind) {
    static const char *words[] = {"the ",   "grain ",  "table ", "directory ", "sector ", "disk ",
                                  "vmdk ",  "marker ", "\n",     "boot ",      "0x1f ",   "kernel ",
                                  "initrd", ", ",      "a ",     "footer "};
    size_t i = 0;
    while (i < n) {
        int k = kind == DATA_MIXED ? (int)rng_below(rng, DATA_MIXED) : kind;
        size_t seg = kind == DATA_MIXED ? 1 + rng_below(rng, 4096) : n;
        size_t end = i + seg < n ? i + seg : n;
        switch (k) {
        case DATA_RANDOM:
            for (; i < end; i++)
                buf[i] = (uint8_t)rng_next(rng);
            break;
        case DATA_TEXT:
            while (i < end) {
                const char *w = words[rng_below(rng, VB_ARRAY_SIZE(words))];
                for (; *w && i < end; w++)
                    buf[i++] = (uint8_t)*w;
            }
            break;
        case DATA_RUNS:
            while (i < end) {
                uint8_t b = (uint8_t)rng_next(rng);
                size_t run = 1 + rng_below(rng, 600);
                for (; run && i < end; run--)
                    buf[i++] = b;
            }
            break;
        case DATA_SMALL_ALPHABET:
            for (; i < end; i++)
                buf[i] = "ACGT"[rng_below(rng, 4)];
            break;
        case DATA_REPEATS:
            while (i < end) {
                if (i < 16 || rng_below(rng, 4) == 0) {
                    buf[i++] = (uint8_t)rng_next(rng);
                    continue;
                }
                size_t dist = 1 + rng_below(rng, i < 32768 ? (unsigned)i : 32768);
                size_t len = 3 + rng_below(rng, 300);
                for (; len && i < end; len--, i++)
                    buf[i] = buf[i - dist];
            }
            break;
        case DATA_ZEROS:
        default:
            for (; i < end; i++)
                buf[i] = 0;
            break;
        }
    }
}

/* Compresses with zlib's deflate; flush_at (< n) inserts one flush of the
 * given kind there. Returns the compressed size. */
static size_t zlib_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int level,
                            int wbits, int mem_level, int strategy, size_t flush_at, int flush) {
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, wbits, mem_level, strategy) != Z_OK) {
        fprintf(stderr, "deflateInit2 failed\n");
        exit(2);
    }
    z.next_out = out;
    z.avail_out = (uInt)cap;
    z.next_in = (Bytef *)in;
    if (flush_at < n) {
        z.avail_in = (uInt)flush_at;
        if (deflate(&z, flush) != Z_OK) {
            fprintf(stderr, "deflate flush failed\n");
            exit(2);
        }
        z.avail_in = (uInt)(n - flush_at);
    } else {
        z.avail_in = (uInt)n;
    }
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        fprintf(stderr, "deflate failed\n");
        exit(2);
    }
    size_t got = z.total_out;
    deflateEnd(&z);
    return got;
}

/* LSB-first bit writer for hand-made streams. */
typedef struct bitw {
    uint8_t buf[300000];
    size_t len;
    uint64_t acc;
    unsigned n;
} bitw;

static void bw_init(bitw *w) {
    w->len = 0;
    w->acc = 0;
    w->n = 0;
}
static void bw_bits(bitw *w, uint64_t v, unsigned n) {
    w->acc |= v << w->n;
    w->n += n;
    while (w->n >= 8) {
        w->buf[w->len++] = (uint8_t)w->acc;
        w->acc >>= 8;
        w->n -= 8;
    }
}
/* A Huffman code is sent MSB first. */
static void bw_code(bitw *w, unsigned code, unsigned len) {
    for (unsigned i = len; i-- > 0;)
        bw_bits(w, (code >> i) & 1, 1);
}
static void bw_align(bitw *w) {
    if (w->n)
        bw_bits(w, 0, 8 - w->n);
}
static void bw_bytes(bitw *w, const void *p, size_t n) {
    bw_align(w);
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}
static void bw_stored(bitw *w, bool final, const uint8_t *p, unsigned n) {
    bw_bits(w, final, 1);
    bw_bits(w, 0, 2);
    bw_align(w);
    uint8_t hdr[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)~n, (uint8_t)(~n >> 8)};
    bw_bytes(w, hdr, 4);
    bw_bytes(w, p, n);
}

/* Canonical codes of a length set. */
static void canonical(const uint8_t *lens, unsigned n, unsigned *codes) {
    unsigned count[16] = {0}, next[16];
    for (unsigned i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    unsigned code = 0;
    for (unsigned l = 1; l < 16; l++) {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    for (unsigned i = 0; i < n; i++)
        if (lens[i])
            codes[i] = next[lens[i]]++;
}

/* Fixed-code symbols (RFC 1951 3.2.6). */
static void fixed_lit(bitw *w, unsigned sym) {
    if (sym < 144)
        bw_code(w, 0x30 + sym, 8);
    else if (sym < 256)
        bw_code(w, 0x190 + sym - 144, 9);
    else if (sym < 280)
        bw_code(w, sym - 256, 7);
    else
        bw_code(w, 0xc0 + sym - 280, 8);
}
static void fixed_header(bitw *w, bool final) {
    bw_bits(w, final, 1);
    bw_bits(w, 1, 2);
}

/* A match in the fixed code: length 3..258, distance 1..32768. */
static const unsigned len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const unsigned len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const unsigned dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                        6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static unsigned len_sym(unsigned len) {
    if (len == 258)
        return 28;
    unsigned s = 27;
    while (len_base[s] > len)
        s--;
    return s;
}
static unsigned dist_sym(unsigned dist) {
    unsigned s = 29;
    while (dist_base[s] > dist)
        s--;
    return s;
}
static void fixed_match(bitw *w, unsigned len, unsigned dist) {
    unsigned ls = len_sym(len), ds = dist_sym(dist);
    fixed_lit(w, 257 + ls);
    bw_bits(w, len - len_base[ls], len_extra[ls]);
    bw_code(w, ds, 5);
    bw_bits(w, dist - dist_base[ds], dist_extra[ds]);
}

/* Dynamic block header for the given litlen/dist lengths: every length
 * sent literally with a 4-bit precode for symbols 0..15 (complete). */
static void dyn_header(bitw *w, bool final, const uint8_t *lit, unsigned nlit, const uint8_t *dist,
                       unsigned ndist) {
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    bw_bits(w, final, 1);
    bw_bits(w, 2, 2);
    bw_bits(w, nlit - 257, 5);
    bw_bits(w, ndist - 1, 5);
    bw_bits(w, 19 - 4, 4);
    for (unsigned i = 0; i < 19; i++)
        bw_bits(w, order[i] < 16 ? 4 : 0, 3);
    for (unsigned i = 0; i < nlit; i++)
        bw_code(w, lit[i], 4);
    for (unsigned i = 0; i < ndist; i++)
        bw_code(w, dist[i], 4);
}

static int raw_decode(const bitw *w, uint8_t *out, size_t cap, size_t *ret_len) {
    return inflate_decompress(&state, INFLATE_FORMAT_RAW, w->buf, w->len, out, cap, ret_len, NULL,
                              NULL);
}

static uint8_t in_buf[300000], comp_buf[400000], out_buf[300000];

/* ---- differential tests against zlib ------------------------------------ */

TEST(test_differential_zlib) {
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                     Z_FIXED};
    static const int flushes[] = {Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK};
    uint64_t rng = 0x1234567890abcdefull;
    unsigned cases = 0, failures_before = (unsigned)test_failures;
    for (unsigned i = 0; i < 3000; i++) {
        int level = (int)(i % 10);
        int strategy = strategies[(i / 10) % 5];
        int kind = (int)rng_below(&rng, DATA_KINDS);
        unsigned bucket = rng_below(&rng, 100);
        size_t n = bucket < 45   ? rng_below(&rng, 1024)
                   : bucket < 75 ? rng_below(&rng, 16384)
                   : bucket < 95 ? (rng_below(&rng, 2) ? 65536 : rng_below(&rng, 65537))
                                 : rng_below(&rng, 200000);
        bool raw = rng_below(&rng, 4) == 0;
        int wbits = rng_below(&rng, 3) == 0 ? 9 + (int)rng_below(&rng, 7) : 15;
        int mem_level = 1 + (int)rng_below(&rng, 9);
        size_t flush_at = rng_below(&rng, 8) == 0 && n ? rng_below(&rng, (unsigned)n) : n;
        int flush = flushes[rng_below(&rng, 4)];
        gen_data(&rng, in_buf, n, kind);
        size_t clen = zlib_compress(in_buf, n, comp_buf, sizeof(comp_buf), level,
                                    raw ? -wbits : wbits, mem_level, strategy, flush_at, flush);
        inflate_format fmt = raw ? INFLATE_FORMAT_RAW
                                 : (rng_below(&rng, 2) ? INFLATE_FORMAT_ZLIB : INFLATE_FORMAT_AUTO);
        size_t out_len = 0, in_len = 0;
        vb_diag d;
        int r = inflate_decompress(&state, fmt, comp_buf, clen, out_buf, n + rng_below(&rng, 3),
                                   &out_len, &in_len, &d);
        cases++;
        if (r != 0 || out_len != n || in_len != clen || memcmp(out_buf, in_buf, n) != 0) {
            fprintf(stderr,
                    "case %u: level %d strategy %d kind %d n %zu raw %d wbits %d flush_at %zu: "
                    "r=%s out %zu in %zu/%zu (%s)\n",
                    i, level, strategy, kind, n, raw, wbits, flush_at, vb_err_name(r), out_len,
                    in_len, clen, r ? d.text : "");
            test_failures++;
            if ((unsigned)test_failures - failures_before > 10)
                break;
        }
        /* Exact-length API on the same stream, in exact-size heap buffers
         * (so ASan builds catch any read or write outside them). */
        uint8_t *exact_in = malloc(clen), *exact_out = malloc(n ? n : 1);
        memcpy(exact_in, comp_buf, clen);
        CHECK_ERR(inflate_exact(&state, fmt, exact_in, clen, exact_out, n, NULL), 0);
        CHECK_MEM(exact_out, in_buf, n);
        free(exact_in);
        free(exact_out);
    }
    CHECK(cases == 3000);
}

TEST(test_edge_streams) {
    size_t clen, out_len;
    /* empty and one byte, both wrappers */
    for (int wbits = -15; wbits <= 15; wbits += 30) {
        inflate_format fmt = wbits < 0 ? INFLATE_FORMAT_RAW : INFLATE_FORMAT_AUTO;
        for (size_t n = 0; n <= 1; n++) {
            in_buf[0] = 0x5a;
            for (int level = 0; level <= 9; level += 9) {
                clen = zlib_compress(in_buf, n, comp_buf, sizeof(comp_buf), level, wbits, 8,
                                     Z_DEFAULT_STRATEGY, n, 0);
                CHECK_ERR(inflate_decompress(&state, fmt, comp_buf, clen, out_buf, 16, &out_len,
                                             NULL, NULL),
                          0);
                CHECK_U64(out_len, n);
                if (n)
                    CHECK(out_buf[0] == 0x5a);
                CHECK_ERR(inflate_exact(&state, fmt, comp_buf, clen, out_buf, n, NULL), 0);
            }
        }
    }
    /* 258-byte lengths: a long run and a long repeated pattern */
    uint64_t rng = 7;
    memset(in_buf, 'x', 100000);
    for (size_t i = 50000; i < 100000; i++)
        in_buf[i] = (uint8_t) "0123456789"[i % 10];
    for (int level = 1; level <= 9; level++) {
        clen = zlib_compress(in_buf, 100000, comp_buf, sizeof(comp_buf), level, 15, 8,
                             Z_DEFAULT_STRATEGY, 100000, 0);
        CHECK(clen < 1000);
        CHECK_ERR(inflate_exact(&state, INFLATE_FORMAT_ZLIB, comp_buf, clen, out_buf, 100000, NULL),
                  0);
        CHECK_MEM(out_buf, in_buf, 100000);
    }
    /* stored blocks of 65535 bytes (level 0 on 200000 random bytes) */
    gen_data(&rng, in_buf, 200000, DATA_RANDOM);
    clen = zlib_compress(in_buf, 200000, comp_buf, sizeof(comp_buf), 0, -15, 8, Z_DEFAULT_STRATEGY,
                         200000, 0);
    CHECK(comp_buf[1] == 0xff && comp_buf[2] == 0xff); /* first block LEN = 65535 */
    CHECK_ERR(inflate_exact(&state, INFLATE_FORMAT_RAW, comp_buf, clen, out_buf, 200000, NULL), 0);
    CHECK_MEM(out_buf, in_buf, 200000);

    /* Hand-made: 32768 random bytes (stored), then matches at distance 32768
     * (zlib never reaches the full window): 258 + 3 + 100 bytes, and a
     * 258-byte match at distance 1. */
    bitw *w = malloc(sizeof(*w));
    bw_init(w);
    gen_data(&rng, in_buf, 32768, DATA_RANDOM);
    bw_stored(w, false, in_buf, 32768);
    fixed_header(w, true);
    fixed_match(w, 258, 32768);
    fixed_match(w, 3, 32768);
    fixed_match(w, 100, 32768);
    fixed_lit(w, 'q');
    fixed_match(w, 258, 1);
    fixed_lit(w, 256);
    size_t n = 32768;
    for (int k = 0; k < 361; k++, n++)
        in_buf[n] = in_buf[n - 32768];
    in_buf[n++] = 'q';
    for (int k = 0; k < 258; k++, n++)
        in_buf[n] = 'q';
    bw_align(w);
    CHECK_ERR(raw_decode(w, out_buf, sizeof(out_buf), &out_len), 0);
    CHECK_U64(out_len, n);
    CHECK_MEM(out_buf, in_buf, n);
    /* the same in the careful loop: output buffer exactly the size */
    CHECK_ERR(inflate_exact(&state, INFLATE_FORMAT_RAW, w->buf, w->len, out_buf, n, NULL), 0);
    CHECK_MEM(out_buf, in_buf, n);
    free(w);
}

/* Random complete codes with lengths up to 15 (many second-level tables),
 * random symbols, round trip. Also single-code distance sets. */
TEST(test_random_codes) {
    uint64_t rng = 99;
    bitw *w = malloc(sizeof(*w));
    for (int iter = 0; iter < 300; iter++) {
        /* Build a complete code over nsym leaves by splitting random leaves,
         * depth at most 15, then assign the leaves to random symbols. */
        unsigned nlit = 257 + rng_below(&rng, 30);
        uint8_t depth[300];
        unsigned leaves = 1;
        depth[0] = 0;
        unsigned want = 2 + rng_below(&rng, nlit - 1);
        if (want < 2)
            want = 2;
        while (leaves < want) {
            /* bias to deep trees: split the deepest splittable leaf often */
            unsigned pick = rng_below(&rng, leaves);
            if (rng_below(&rng, 3) == 0) {
                for (unsigned i = 0; i < leaves; i++)
                    if (depth[i] > depth[pick] && depth[i] < 15)
                        pick = i;
            }
            if (depth[pick] >= 15)
                continue;
            depth[pick]++;
            depth[leaves++] = depth[pick];
        }
        uint8_t lit[288] = {0}, dist[32] = {0};
        /* symbol 256 must be coded; shuffle the others */
        unsigned syms[288];
        for (unsigned i = 0; i < nlit; i++)
            syms[i] = i;
        for (unsigned i = nlit - 1; i > 0; i--) {
            unsigned j = rng_below(&rng, i + 1), t = syms[i];
            syms[i] = syms[j];
            syms[j] = t;
        }
        for (unsigned i = 1; i < nlit; i++)
            if (syms[i] == 256) {
                syms[i] = syms[0];
                syms[0] = 256;
            }
        for (unsigned i = 0; i < leaves; i++)
            lit[syms[i]] = depth[i];
        unsigned ndist = 1 + rng_below(&rng, 30);
        bool single_dist = rng_below(&rng, 4) == 0;
        if (single_dist) {
            dist[rng_below(&rng, ndist)] = 1;
        } else {
            ndist = ndist < 2 ? 2 : ndist;
            unsigned dl = 1;
            uint8_t dd[32];
            dd[0] = 0;
            while (dl < ndist) {
                unsigned pick = rng_below(&rng, dl);
                if (dd[pick] >= 15)
                    continue;
                dd[pick]++;
                dd[dl++] = dd[pick];
            }
            for (unsigned i = 0; i < ndist; i++)
                dist[i] = dd[i];
        }
        unsigned lcode[288], dcode[32];
        canonical(lit, nlit, lcode);
        canonical(dist, ndist, dcode);
        bw_init(w);
        dyn_header(w, true, lit, nlit, dist, ndist);
        size_t n = 0;
        for (int k = 0; k < 2000; k++) {
            unsigned s = rng_below(&rng, nlit);
            if (!lit[s] || s == 256 || s >= 286)
                continue;
            if (s < 256) {
                bw_code(w, lcode[s], lit[s]);
                in_buf[n++] = (uint8_t)s;
                continue;
            }
            unsigned ds = rng_below(&rng, ndist);
            if (!dist[ds] || ds >= 30 || n == 0)
                continue;
            unsigned len = len_base[s - 257] + rng_below(&rng, 1u << len_extra[s - 257]);
            if (s == 284 && len > 257)
                len = 257;
            unsigned d = dist_base[ds] + rng_below(&rng, 1u << dist_extra[ds]);
            if (d > n)
                continue;
            bw_code(w, lcode[s], lit[s]);
            bw_bits(w, len - len_base[s - 257], len_extra[s - 257]);
            bw_code(w, dcode[ds], dist[ds]);
            bw_bits(w, d - dist_base[ds], dist_extra[ds]);
            for (unsigned j = 0; j < len; j++, n++)
                in_buf[n] = in_buf[n - d];
        }
        bw_code(w, lcode[256], lit[256]);
        bw_align(w);
        size_t out_len = 0;
        vb_diag d;
        int r = inflate_decompress(&state, INFLATE_FORMAT_RAW, w->buf, w->len, out_buf,
                                   sizeof(out_buf), &out_len, NULL, &d);
        if (r)
            fprintf(stderr, "iter %d: %s\n", iter, d.text);
        CHECK_ERR(r, 0);
        CHECK_U64(out_len, n);
        CHECK_MEM(out_buf, in_buf, n);
        /* careful loop too */
        CHECK_ERR(inflate_exact(&state, INFLATE_FORMAT_RAW, w->buf, w->len, out_buf, n, NULL), 0);
        CHECK_MEM(out_buf, in_buf, n);
    }
    free(w);
}

/* ---- error paths -------------------------------------------------------- */

typedef struct bad_case {
    const char *name;
    void (*make)(bitw *w);
    int err;
    const char *detail; /* part of the expected detail line */
} bad_case;

static void mk_block_type3(bitw *w) {
    bw_bits(w, 1, 1);
    bw_bits(w, 3, 2);
    bw_align(w);
}
static void mk_stored_nlen(bitw *w) {
    bw_bits(w, 1, 3);
    bw_align(w);
    uint8_t hdr[5] = {3, 0, 0xfc, 0xfe, 'a'};
    bw_bytes(w, hdr, 5);
}
static void mk_stored_short(bitw *w) {
    bw_bits(w, 1, 3);
    bw_align(w);
    uint8_t hdr[6] = {3, 0, 0xfc, 0xff, 'a', 'b'};
    bw_bytes(w, hdr, 6);
}
static void mk_stored_no_len(bitw *w) {
    bw_bits(w, 1, 3);
    bw_align(w);
    uint8_t hdr[3] = {3, 0, 0xfc};
    bw_bytes(w, hdr, 3);
}
static void mk_dist_too_far(bitw *w) {
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_match(w, 3, 2);
    fixed_lit(w, 256);
    bw_align(w);
}
static void mk_dist_at_start(bitw *w) {
    fixed_header(w, true);
    fixed_match(w, 3, 1);
    fixed_lit(w, 256);
    bw_align(w);
}
static void mk_litlen_286(bitw *w) {
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_lit(w, 286);
    bw_bits(w, 0, 5);
    fixed_lit(w, 256);
    bw_align(w);
}
static void mk_litlen_287(bitw *w) {
    fixed_header(w, true);
    fixed_lit(w, 287);
    fixed_lit(w, 256);
    bw_align(w);
}
/* 'a', then a length-3 match whose distance symbol is `code`. */
static void fixed_dist_symbol(bitw *w, unsigned code) {
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_lit(w, 257);
    bw_code(w, code, 5);
    fixed_lit(w, 256);
    bw_align(w);
}
static void mk_dist_30(bitw *w) {
    fixed_dist_symbol(w, 30);
}
static void mk_dist_31(bitw *w) {
    fixed_dist_symbol(w, 31);
}
static void mk_no_eob(bitw *w) {
    fixed_header(w, true);
    fixed_lit(w, 'a');
    bw_align(w);
}
static void mk_no_final(bitw *w) {
    fixed_header(w, false);
    fixed_lit(w, 'a');
    fixed_lit(w, 256);
    bw_align(w);
}
/* A dynamic litlen set: 'a', 'b', 256 at lengths given, plus distance 0. */
static void mk_dyn(bitw *w, uint8_t la, uint8_t lb, uint8_t leob, uint8_t d0, uint8_t d1) {
    uint8_t lit[257] = {0}, dist[2] = {d0, d1};
    lit['a'] = la;
    lit['b'] = lb;
    lit[256] = leob;
    dyn_header(w, true, lit, 257, dist, 2);
}
static void mk_litlen_oversubscribed(bitw *w) {
    mk_dyn(w, 1, 1, 1, 1, 1);
    bw_bits(w, 0, 16);
}
static void mk_litlen_incomplete(bitw *w) {
    mk_dyn(w, 2, 2, 2, 1, 1);
    bw_bits(w, 0, 16);
}
static void mk_dist_oversubscribed(bitw *w) {
    uint8_t lit[257] = {0}, dist[3] = {1, 1, 1};
    lit['a'] = 1;
    lit[256] = 1;
    dyn_header(w, true, lit, 257, dist, 3);
    bw_bits(w, 0, 16);
}
static void mk_dist_incomplete(bitw *w) {
    uint8_t lit[257] = {0}, dist[2] = {2, 2};
    lit['a'] = 1;
    lit[256] = 1;
    dyn_header(w, true, lit, 257, dist, 2);
    bw_bits(w, 0, 16);
}
static void mk_no_eob_code(bitw *w) {
    mk_dyn(w, 1, 1, 0, 1, 1);
    bw_bits(w, 0, 16);
}
/* Only literals and no distance code at all: valid; then a length code is
 * used, which must fail. */
static void mk_dist_none_used(bitw *w) {
    uint8_t lit[258] = {0}, dist[1] = {0};
    lit['a'] = 1;
    lit[256] = 2;
    lit[257] = 2;
    dyn_header(w, true, lit, 258, dist, 1);
    bw_code(w, 0, 1); /* 'a' */
    bw_code(w, 3, 2); /* length 3 */
    bw_bits(w, 0, 8); /* whatever distance */
    bw_code(w, 2, 2); /* EOB */
    bw_align(w);
}
/* Single distance code of length 1 (valid), but its unused pattern sent. */
static void mk_dist_single_unused(bitw *w) {
    uint8_t lit[258] = {0}, dist[1] = {1};
    lit['a'] = 1;
    lit[256] = 2;
    lit[257] = 2;
    dyn_header(w, true, lit, 258, dist, 1);
    bw_code(w, 0, 1);
    bw_code(w, 3, 2);
    bw_code(w, 1, 1); /* the unused half */
    bw_code(w, 2, 2);
    bw_align(w);
}
static void precode_header(bitw *w, unsigned nlit_minus, unsigned ndist_minus,
                           const uint8_t pre[19]) {
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    bw_bits(w, 1, 1);
    bw_bits(w, 2, 2);
    bw_bits(w, nlit_minus, 5);
    bw_bits(w, ndist_minus, 5);
    bw_bits(w, 15, 4);
    for (unsigned i = 0; i < 19; i++)
        bw_bits(w, pre[order[i]], 3);
}
/* A dynamic header with these precode lengths, then zero bits. */
static void precode_only(bitw *w, const uint8_t pre[19]) {
    precode_header(w, 0, 0, pre);
    bw_bits(w, 0, 32);
}
static void mk_precode_incomplete(bitw *w) {
    static const uint8_t pre[19] = {[0] = 1, [1] = 2};
    precode_only(w, pre);
}
static void mk_precode_oversubscribed(bitw *w) {
    static const uint8_t pre[19] = {[0] = 1, [1] = 1, [2] = 1};
    precode_only(w, pre);
}
static void mk_precode_single(bitw *w) {
    static const uint8_t pre[19] = {[8] = 1};
    precode_only(w, pre);
}
/* Precode: symbols 0..15 at 4 bits = complete; with 16/17/18 the precode
 * below gives 16,17,18 and 0..12 lengths 4 and 1..2 5 bits: simpler to use
 * 0..15 -> 4 bits minus 15, plus 16 and 18 at 5 bits (complete). */
static void repeat_precode(bitw *w, unsigned nlit_minus, unsigned ndist_minus) {
    uint8_t pre[19] = {0};
    for (unsigned s = 0; s < 15; s++)
        pre[s] = 4;
    pre[16] = 5;
    pre[18] = 5;
    precode_header(w, nlit_minus, ndist_minus, pre);
}
/* canonical precode codes for repeat_precode: 0..14 -> 0..14 (4 bits),
 * 16 -> 11110, 18 -> 11111 */
static void mk_repeat_first(bitw *w) {
    repeat_precode(w, 0, 0);
    bw_code(w, 0x1e, 5); /* 16 first */
    bw_bits(w, 0, 2);
    bw_bits(w, 0, 64);
}
static void mk_repeat_past_end(bitw *w) {
    repeat_precode(w, 0, 0);
    for (int i = 0; i < 2; i++) {
        bw_code(w, 0x1f, 5); /* 18: 11 + 127 zeros, twice = 276 */
        bw_bits(w, 127, 7);
    }
    bw_bits(w, 0, 64);
}
static void mk_too_many_litlen(bitw *w) {
    repeat_precode(w, 30, 0);
    bw_bits(w, 0, 64);
}
static void mk_too_many_dist(bitw *w) {
    repeat_precode(w, 0, 30);
    bw_bits(w, 0, 64);
}
static void mk_header_truncated(bitw *w) {
    bw_bits(w, 1, 1);
    bw_bits(w, 2, 2);
    bw_bits(w, 0, 5);
}
static void mk_empty_blocks_65(bitw *w) {
    for (int i = 0; i < 65; i++) {
        fixed_header(w, false);
        fixed_lit(w, 256);
    }
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_lit(w, 256);
    bw_align(w);
}
static void mk_empty_stored_65(bitw *w) {
    for (int i = 0; i < 65; i++)
        bw_stored(w, false, (const uint8_t *)"", 0);
    bw_stored(w, true, (const uint8_t *)"a", 1);
}

TEST(test_error_paths) {
    static const bad_case cases[] = {
        {"block type 3", mk_block_type3, VB_EDEFLATE, "invalid block type 3"},
        {"stored NLEN mismatch", mk_stored_nlen, VB_EDEFLATE, "stored block length"},
        {"stored data truncated", mk_stored_short, VB_EDEFLATE, "input ends"},
        {"stored header truncated", mk_stored_no_len, VB_EDEFLATE, "input ends"},
        {"distance before start", mk_dist_too_far, VB_EDEFLATE, "before the output start"},
        {"distance at offset 0", mk_dist_at_start, VB_EDEFLATE, "before the output start"},
        {"litlen symbol 286", mk_litlen_286, VB_EDEFLATE, "invalid literal/length"},
        {"litlen symbol 287", mk_litlen_287, VB_EDEFLATE, "invalid literal/length"},
        {"distance symbol 30", mk_dist_30, VB_EDEFLATE, "invalid distance"},
        {"distance symbol 31", mk_dist_31, VB_EDEFLATE, "invalid distance"},
        {"input ends before end-of-block", mk_no_eob, VB_EDEFLATE, "input ends"},
        {"input ends before final block", mk_no_final, VB_EDEFLATE, "input ends"},
        {"litlen over-subscribed", mk_litlen_oversubscribed, VB_EDEFLATE,
         "over-subscribed literal/length"},
        {"litlen incomplete", mk_litlen_incomplete, VB_EDEFLATE, "incomplete literal/length"},
        {"dist over-subscribed", mk_dist_oversubscribed, VB_EDEFLATE, "over-subscribed distance"},
        {"dist incomplete", mk_dist_incomplete, VB_EDEFLATE, "incomplete distance"},
        {"no end-of-block code", mk_no_eob_code, VB_EDEFLATE, "no end-of-block"},
        {"length with no distance code", mk_dist_none_used, VB_EDEFLATE, "invalid distance"},
        {"unused half of single distance code", mk_dist_single_unused, VB_EDEFLATE,
         "invalid distance"},
        {"precode incomplete", mk_precode_incomplete, VB_EDEFLATE, "incomplete code length"},
        {"precode over-subscribed", mk_precode_oversubscribed, VB_EDEFLATE,
         "over-subscribed code length"},
        {"precode single code", mk_precode_single, VB_EDEFLATE, "incomplete code length"},
        {"repeat with no previous length", mk_repeat_first, VB_EDEFLATE, "no previous length"},
        {"repeat past the code count", mk_repeat_past_end, VB_EDEFLATE, "runs past"},
        {"287 litlen codes", mk_too_many_litlen, VB_EDEFLATE, "287 literal/length"},
        {"31 distance codes", mk_too_many_dist, VB_EDEFLATE, "31 distance"},
        {"dynamic header truncated", mk_header_truncated, VB_EDEFLATE, "input ends"},
        {"65 empty fixed blocks", mk_empty_blocks_65, VB_EDEFLATE, "empty blocks"},
        {"65 empty stored blocks", mk_empty_stored_65, VB_EDEFLATE, "empty blocks"},
    };
    bitw *w = malloc(sizeof(*w));
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].name;
        bw_init(w);
        cases[i].make(w);
        bw_align(w);
        vb_diag d;
        vb_diag_clear(&d);
        CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_RAW, w->buf, w->len, out_buf,
                                     sizeof(out_buf), NULL, NULL, &d),
                  cases[i].err);
        CHECK(d.err == cases[i].err && d.text[0] != '\0');
        if (!strstr(d.text, cases[i].detail))
            fprintf(stderr, "%s: detail \"%s\", want \"%s\"\n", cases[i].name, d.text,
                    cases[i].detail),
                test_failures++;
    }
    test_current = "test_error_paths";
    free(w);
}

/* The permitted odd codes decode: 64 empty blocks, a single distance code of
 * length 1, a block without distance codes. */
TEST(test_valid_odd_codes) {
    bitw *w = malloc(sizeof(*w));
    size_t out_len;
    bw_init(w);
    for (int i = 0; i < 64; i++) {
        fixed_header(w, false);
        fixed_lit(w, 256);
    }
    bw_stored(w, false, (const uint8_t *)"", 0);
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_lit(w, 256);
    bw_align(w);
    /* the stored block resets nothing: 65 empty blocks in a row fail */
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), VB_EDEFLATE);
    bw_init(w);
    for (int i = 0; i < 64; i++) {
        fixed_header(w, false);
        fixed_lit(w, 256);
    }
    fixed_header(w, true);
    fixed_lit(w, 'a');
    fixed_lit(w, 256);
    bw_align(w);
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), 0);
    CHECK_U64(out_len, 1);
    /* a block with output resets the count */
    bw_init(w);
    for (int k = 0; k < 3; k++) {
        fixed_header(w, false);
        fixed_lit(w, 'a');
        fixed_lit(w, 256);
        for (int i = 0; i < 64; i++) {
            fixed_header(w, false);
            fixed_lit(w, 256);
        }
    }
    fixed_header(w, true);
    fixed_lit(w, 256);
    bw_align(w);
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), VB_EDEFLATE); /* 65 at the end */
    w->len = 0;
    w->n = 0;
    w->acc = 0;
    for (int k = 0; k < 3; k++) {
        fixed_header(w, false);
        fixed_lit(w, 'a');
        fixed_lit(w, 256);
        for (int i = 0; i < 63; i++) {
            fixed_header(w, false);
            fixed_lit(w, 256);
        }
    }
    fixed_header(w, true);
    fixed_lit(w, 256);
    bw_align(w);
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), 0);
    CHECK_U64(out_len, 3);

    /* single distance code of length 1: "ab" + match(3, dist 2) */
    uint8_t lit[258] = {0}, dist[1] = {1};
    lit['a'] = 2;
    lit['b'] = 2;
    lit[256] = 2;
    lit[257] = 2;
    bw_init(w);
    dyn_header(w, true, lit, 258, dist, 1);
    bw_code(w, 0, 2);
    bw_code(w, 1, 2);
    bw_code(w, 3, 2);
    bw_code(w, 0, 1); /* distance symbol 0 = distance 1 */
    bw_code(w, 2, 2);
    bw_align(w);
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), 0);
    CHECK_U64(out_len, 5);
    CHECK_MEM(out_buf, "abbbb", 5);

    /* litlen code of one symbol (256) of length 1: an empty block */
    uint8_t lit1[257] = {0}, dist0[1] = {0};
    lit1[256] = 1;
    bw_init(w);
    dyn_header(w, false, lit1, 257, dist0, 1);
    bw_code(w, 0, 1);
    bw_stored(w, true, (const uint8_t *)"xy", 2);
    CHECK_ERR(raw_decode(w, out_buf, 16, &out_len), 0);
    CHECK_U64(out_len, 2);
    free(w);
}

/* Output size enforcement and truncation at every point of real streams. */
TEST(test_length_enforcement) {
    uint64_t rng = 5;
    for (int kind = 0; kind < DATA_KINDS; kind++) {
        size_t n = 3000;
        gen_data(&rng, in_buf, n, kind);
        for (int raw = 0; raw < 2; raw++) {
            inflate_format fmt = raw ? INFLATE_FORMAT_RAW : INFLATE_FORMAT_ZLIB;
            size_t clen = zlib_compress(in_buf, n, comp_buf, sizeof(comp_buf), 6, raw ? -15 : 15, 8,
                                        Z_DEFAULT_STRATEGY, n, 0);
            /* runs long: every capacity below n */
            for (size_t cap = 0; cap < n; cap += 1 + cap / 4) {
                memset(out_buf, 0xee, n + 64);
                CHECK_ERR(
                    inflate_decompress(&state, fmt, comp_buf, clen, out_buf, cap, NULL, NULL, NULL),
                    VB_EDEFLATE);
                for (size_t k = cap; k < n + 64; k++)
                    if (out_buf[k] != 0xee) {
                        fprintf(stderr, "wrote past cap %zu at %zu\n", cap, k);
                        test_failures++;
                        break;
                    }
            }
            /* ends early */
            CHECK_ERR(inflate_exact(&state, fmt, comp_buf, clen, out_buf, n + 1, NULL),
                      VB_EDEFLATE);
            CHECK_ERR(inflate_exact(&state, fmt, comp_buf, clen, out_buf, n, NULL), 0);
            /* every truncation of the input fails cleanly */
            for (size_t cut = 0; cut < clen; cut++) {
                int r =
                    inflate_decompress(&state, fmt, comp_buf, cut, out_buf, n, NULL, NULL, NULL);
                if (r != VB_EDEFLATE) {
                    fprintf(stderr, "kind %d raw %d cut %zu/%zu: %s\n", kind, raw, cut, clen,
                            vb_err_name(r));
                    test_failures++;
                    break;
                }
            }
            /* trailing bytes are not part of the stream */
            size_t in_len = 0, out_len = 0;
            memset(comp_buf + clen, 0xab, 7);
            CHECK_ERR(inflate_decompress(&state, fmt, comp_buf, clen + 7, out_buf, n, &out_len,
                                         &in_len, NULL),
                      0);
            CHECK_U64(in_len, clen);
            CHECK_U64(out_len, n);
        }
    }
}

TEST(test_zlib_wrapper) {
    static const char text[] = "streamOptimized grains are zlib streams";
    size_t n = sizeof(text) - 1, out_len;
    size_t clen = zlib_compress((const uint8_t *)text, n, comp_buf, sizeof(comp_buf), 6, 15, 8,
                                Z_DEFAULT_STRATEGY, n, 0);
    uint8_t s[256];
    memcpy(s, comp_buf, clen);
    vb_diag d;
    /* Adler mismatch */
    s[clen - 1] ^= 1;
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_ZLIB, s, clen, out_buf, n, NULL, NULL, &d),
              VB_ECHECKSUM);
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_AUTO, s, clen, out_buf, n, NULL, NULL, &d),
              VB_ECHECKSUM);
    s[clen - 1] ^= 1;
    /* trailer cut */
    CHECK_ERR(
        inflate_decompress(&state, INFLATE_FORMAT_ZLIB, s, clen - 1, out_buf, n, NULL, NULL, &d),
        VB_EDEFLATE);
    /* header: CM 7, CINFO 8, FDICT, FCHECK */
    static const uint8_t bad_headers[][2] = {
        {0x77, 0x00}, {0x88, 0x00}, {0x78, 0xbb}, {0x78, 0x9d}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(bad_headers); i++) {
        memcpy(s, comp_buf, clen);
        s[0] = bad_headers[i][0];
        s[1] = bad_headers[i][1];
        CHECK(!inflate_is_zlib_header(s));
        CHECK_ERR(
            inflate_decompress(&state, INFLATE_FORMAT_ZLIB, s, clen, out_buf, n, NULL, NULL, &d),
            VB_EDEFLATE);
    }
    CHECK(inflate_is_zlib_header(comp_buf));
    CHECK_ERR(
        inflate_decompress(&state, INFLATE_FORMAT_ZLIB, comp_buf, 1, out_buf, n, NULL, NULL, &d),
        VB_EDEFLATE);
    /* a zlib stream read as raw fails; AUTO and ZLIB succeed */
    CHECK(inflate_decompress(&state, INFLATE_FORMAT_RAW, comp_buf, clen, out_buf, n, NULL, NULL,
                             NULL) != 0);
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_AUTO, comp_buf, clen, out_buf, n, &out_len,
                                 NULL, NULL),
              0);
    CHECK_U64(out_len, n);
    CHECK_MEM(out_buf, text, n);
    /* bad arguments */
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_RAW, NULL, 4, out_buf, n, NULL, NULL, NULL),
              VB_EINVAL);
    CHECK_ERR(inflate_decompress(NULL, INFLATE_FORMAT_RAW, s, 4, out_buf, n, NULL, NULL, NULL),
              VB_EINVAL);
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_RAW, s, 4, NULL, 1, NULL, NULL, NULL),
              VB_EINVAL);
    /* empty input */
    CHECK_ERR(inflate_decompress(&state, INFLATE_FORMAT_AUTO, s, 0, out_buf, n, NULL, NULL, NULL),
              VB_EDEFLATE);
}

TEST(test_adler32) {
    uint64_t rng = 11;
    static uint8_t buf[70000];
    gen_data(&rng, buf, sizeof(buf), DATA_RANDOM);
    CHECK(adler32_update(1, NULL, 0) == 1);
    CHECK(adler32_update(1, "Wikipedia", 9) == 0x11E60398);
    for (int i = 0; i < 200; i++) {
        size_t off = rng_below(&rng, 64), len = rng_below(&rng, (unsigned)(sizeof(buf) - 64));
        uint32_t start = (uint32_t)rng_next(&rng) % 65521u | ((uint32_t)rng_next(&rng) % 65521u)
                                                                 << 16;
        CHECK(adler32_update(start, buf + off, len) ==
              (uint32_t)adler32(start, buf + off, (uInt)len));
    }
    /* all 0xff: the largest sums, across several reduction chunks */
    memset(buf, 0xff, sizeof(buf));
    for (size_t len = 5550; len < 5560; len++)
        CHECK(adler32_update(0xfff0fff0u % 65521u, buf, len) ==
              (uint32_t)adler32(0xfff0fff0u % 65521u, buf, (uInt)len));
    CHECK(adler32_update(1, buf, sizeof(buf)) == (uint32_t)adler32(1, buf, sizeof(buf)));
    uint32_t a = 1;
    for (size_t i = 0; i < 1000; i++)
        a = adler32_update(a, buf + i, 1);
    CHECK(a == (uint32_t)adler32(1, buf, 1000));
}

TEST_MAIN(TEST_ENTRY(test_adler32), TEST_ENTRY(test_zlib_wrapper), TEST_ENTRY(test_error_paths),
          TEST_ENTRY(test_valid_odd_codes), TEST_ENTRY(test_edge_streams),
          TEST_ENTRY(test_random_codes), TEST_ENTRY(test_length_enforcement),
          TEST_ENTRY(test_differential_zlib))
