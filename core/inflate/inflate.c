/* inflate.c: DEFLATE (RFC 1951) decoding with the zlib (RFC 1950) wrapper.
 *
 * Trusts nothing in the compressed stream: codes must be complete (RFC 1951
 * leaves one exception, a single code of length 1, accepted for the
 * literal/length and distance codes), every distance is checked against the
 * output produced so far, every write against dst_cap, every read against
 * the end of the input.
 *
 * Decoding is table-driven: one table lookup gives a whole symbol (see
 * inflate_table.h for the tables, inflate_table.c for building them).
 *
 * Bits come from a 64-bit buffer. While at least FAST_IN_MARGIN input bytes
 * and FAST_OUT_MARGIN output bytes remain, a refill loads 8 bytes at once and
 * keeps 56..63 bits; a refill gives enough bits for a length and distance
 * pair (at most 20 + 28 bits) or three literals (15 bits each), so the fast
 * loop checks nothing per symbol except what the data decides. Near either
 * end a careful loop refills byte by byte and checks every step. */
#include "inflate/inflate.h"
#include "inflate/inflate_table.h"
#include "lib/util.h"

/* Fast loop margins: two refills of at most 7 bytes each, each loading 8;
 * one match of at most 258 bytes, copied 40 bytes at once and then in
 * 16-byte steps (so up to 15 bytes past its end get scratch writes). */
#define FAST_IN_MARGIN  16
#define FAST_OUT_MARGIN (258 + 16)

/* RFC 1951 3.2.7: order of the code length code lengths. */
static const uint8_t precode_order[INFLATE_PRECODE_SYMS] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                            11, 4,  12, 3, 13, 2, 14, 1, 15};

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    vb_memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void copy8(uint8_t *dst, const uint8_t *src) {
    uint64_t v;
    vb_memcpy(&v, src, 8);
    vb_memcpy(dst, &v, 8);
}

bool inflate_is_zlib_header(const uint8_t b[2]) {
    return (b[0] & 0x0f) == 8 && (b[0] >> 4) <= 7 && (b[1] & 0x20) == 0 &&
           ((unsigned)b[0] << 8 | b[1]) % 31 == 0;
}

/* The bit reader lives in locals of each decoding step (so it stays in
 * registers); these macros work on them. bb holds bc valid bits; bits above
 * bc are zero or the true following input bits, so OR-ing input bytes in
 * again at bc is harmless. in points past the last byte counted in bc. */
#define REFILL_FAST()                                                                              \
    do {                                                                                           \
        bb |= load_le64(in) << bc;                                                                 \
        in += (63 - bc) >> 3;                                                                      \
        bc |= 56;                                                                                  \
    } while (0)
#define REFILL()                                                                                   \
    do {                                                                                           \
        if (in_end - in >= 8) {                                                                    \
            REFILL_FAST();                                                                         \
        } else {                                                                                   \
            while (bc <= 56 && in < in_end) {                                                      \
                bb |= (uint64_t)*in++ << bc;                                                       \
                bc += 8;                                                                           \
            }                                                                                      \
        }                                                                                          \
    } while (0)
#define CONSUME(n)                                                                                 \
    do {                                                                                           \
        bb >>= (n);                                                                                \
        bc -= (n);                                                                                 \
    } while (0)
#define NEED(n)                                                                                    \
    do {                                                                                           \
        if ((n) > bc)                                                                              \
            goto truncated;                                                                        \
    } while (0)

/* The fast loop's bit count keeps garbage above its low 6 bits: it is
 * decremented by whole table entries (whose low byte is the bit count), and
 * only bc & 63 is ever used, which saves masking on every symbol. */
#define FAST_REFILL()                                                                              \
    do {                                                                                           \
        bb |= load_le64(in) << (bc & 63);                                                          \
        in += 7 - ((bc >> 3) & 7);                                                                 \
        bc |= 56;                                                                                  \
    } while (0)
#define FAST_CONSUME(e)                                                                            \
    do {                                                                                           \
        bb >>= (uint8_t)(e);                                                                       \
        bc -= (e);                                                                                 \
    } while (0)

/* Results of the decode loops: DECODE_MARGIN (decode_fast only) means the
 * fast loop came near an end, the rest are failures (see fail_step). */
enum {
    DECODE_MARGIN = 0,
    DECODE_EOB,
    DECODE_BAD_LITLEN,
    DECODE_BAD_DIST,
    DECODE_TOO_FAR,
    DECODE_TRUNCATED,
    DECODE_TOO_LONG,
};

/* The bit reader state shared by both loops. */
typedef struct bit_state {
    const uint8_t *in;
    uint8_t *out;
    uint64_t bb;
    unsigned bc;
} bit_state;

/* The fast loop's copy of a match at least 8 bytes back (no overlap within
 * 8 bytes): 8 bytes at a time, with scratch writes up to 15 bytes past end
 * (FAST_OUT_MARGIN leaves room). */
static inline __attribute__((always_inline)) void
copy_match_8(uint8_t *out, const uint8_t *from, const uint8_t *end, unsigned length) {
    /* Most matches are short: 40 bytes without a loop branch. */
    copy8(out, from);
    copy8(out + 8, from + 8);
    copy8(out + 16, from + 16);
    copy8(out + 24, from + 24);
    copy8(out + 32, from + 32);
    /* Longer ones are rare: the hint keeps the short case falling through. */
    if (__builtin_expect(length > 40, 0)) {
        out += 40;
        from += 40;
        do {
            copy8(out, from);
            copy8(out + 8, from + 8);
            out += 16;
            from += 16;
        } while (out < end);
    }
}

/* The fast loop's match 1 byte back: a run of byte b up to end, written 16
 * bytes at a time (scratch writes up to 15 bytes past end). */
static inline __attribute__((always_inline)) void fill_match_1(uint8_t *out, uint8_t b,
                                                               const uint8_t *end) {
    uint64_t v = b * 0x0101010101010101ull;
    vb_memcpy(out, &v, 8);
    vb_memcpy(out + 8, &v, 8);
    while (out + 16 < end) {
        out += 16;
        vb_memcpy(out, &v, 8);
        vb_memcpy(out + 8, &v, 8);
    }
}

/* Fast loop: no bounds checks per symbol (see the file comment); runs while
 * in <= in_limit and out <= out_limit. After a fast refill all 64 bits of bb
 * are input bits, so the next literal/length entry can be looked up (it needs
 * LITLEN_BITS <= 15 bits) as soon as at most 49 bits have been used since
 * the refill: it is fetched early, while the previous symbol is still being
 * written out. Kept out of line so its locals get registers of their own. */
static __attribute__((noinline)) int decode_fast(const inflate_state *st, bit_state *bs,
                                                 const uint8_t *in_limit, uint8_t *out_limit,
                                                 const uint8_t *out_start, unsigned *ret_dist) {
    const uint8_t *in = bs->in;
    uint8_t *out = bs->out;
    uint64_t bb = bs->bb, saved;
    unsigned bc = bs->bc, length, dist;
    const uint32_t *const lt = st->litlen;
    const uint32_t *const dt = st->dist;
    uint32_t e;
    int result = DECODE_MARGIN;

    if (in > in_limit || out > out_limit)
        return DECODE_MARGIN;
    FAST_REFILL();
    e = lt[bb & MASK(LITLEN_BITS)];
    do {
        FAST_REFILL();
        if (e & E_LITERAL) {
            /* up to three literals from one refill (45 bits) */
            FAST_CONSUME(e);
            out[0] = (uint8_t)E_VALUE(e);
            e = lt[bb & MASK(LITLEN_BITS)];
            if (!(e & E_LITERAL)) {
                out += 1;
                FAST_REFILL();
            } else {
                FAST_CONSUME(e);
                out[1] = (uint8_t)E_VALUE(e);
                e = lt[bb & MASK(LITLEN_BITS)];
                if (e & E_LITERAL) {
                    FAST_CONSUME(e);
                    out[2] = (uint8_t)E_VALUE(e);
                    e = lt[bb & MASK(LITLEN_BITS)];
                    out += 3;
                    continue;
                }
                out += 2;
                FAST_REFILL();
            }
        }
        /* bc >= 56 here */
        if (e & E_EXCEPT) {
            if (e & E_SUBTABLE) {
                FAST_CONSUME(e);
                e = lt[E_VALUE(e) + (bb & MASK(E_CODE_BITS(e)))];
                if (e & E_LITERAL) {
                    FAST_CONSUME(e);
                    *out++ = (uint8_t)E_VALUE(e);
                    e = lt[bb & MASK(LITLEN_BITS)];
                    continue;
                }
            }
            if (e & E_EXCEPT) {
                if (e & E_EOB) {
                    FAST_CONSUME(e);
                    goto eob;
                }
                goto bad_litlen;
            }
        }
        saved = bb;
        FAST_CONSUME(e);
        length = E_VALUE(e) + (unsigned)((saved & MASK(E_BITS(e))) >> E_CODE_BITS(e));

        e = dt[bb & MASK(DIST_BITS)];
        if (e & E_EXCEPT) {
            if (!(e & E_SUBTABLE))
                goto bad_dist;
            FAST_CONSUME(e);
            e = dt[E_VALUE(e) + (bb & MASK(E_CODE_BITS(e)))];
            if (e & E_EXCEPT)
                goto bad_dist;
        }
        saved = bb;
        FAST_CONSUME(e);
        dist = E_VALUE(e) + (unsigned)((saved & MASK(E_BITS(e))) >> E_CODE_BITS(e));
        if (dist > (size_t)(out - out_start))
            goto too_far;
        /* at most 48 bits used since the refill */
        e = lt[bb & MASK(LITLEN_BITS)];

        const uint8_t *from = out - dist;
        uint8_t *end = out + length;
        if (dist >= 8) {
            copy_match_8(out, from, end, length);
        } else if (dist == 1) {
            fill_match_1(out, *from, end);
        } else {
            do
                *out++ = *from++;
            while (out < end);
        }
        out = end;
    } while (in <= in_limit && out <= out_limit);
    goto done;
eob:
    result = DECODE_EOB;
    goto done;
bad_litlen:
    result = DECODE_BAD_LITLEN;
    goto done;
bad_dist:
    result = DECODE_BAD_DIST;
    goto done;
too_far:
    *ret_dist = dist;
    result = DECODE_TOO_FAR;
done:
    bs->in = in;
    bs->out = out;
    bs->bb = bb;
    bs->bc = bc & 63;
    return result;
}

/* Where decoding stands: the bit reader and both buffers. Each step below
 * copies the bit reader into locals (so it stays in registers; the macros
 * work on them) and stores it back when it is done. */
typedef struct stream {
    bit_state bits;
    const uint8_t *in_start;
    const uint8_t *in_end;
    uint8_t *out_start;
    uint8_t *out_end;
    unsigned dist; /* the distance of a DECODE_TOO_FAR failure */
} stream;

/* The failures several steps share, worded in one place. */
static int fail_step(const stream *s, int why, vb_diag *diag) {
    switch (why) {
    case DECODE_TRUNCATED:
        return vb_fail(diag, VB_EDEFLATE, "deflate: input ends inside the stream (%zu bytes in)",
                       (size_t)(s->in_end - s->in_start));
    case DECODE_TOO_LONG:
        return vb_fail(diag, VB_EDEFLATE, "deflate: output runs past %zu bytes",
                       (size_t)(s->out_end - s->out_start));
    case DECODE_TOO_FAR:
        return vb_fail(diag, VB_EDEFLATE,
                       "deflate: distance %u reaches before the output start (%zu)", s->dist,
                       (size_t)(s->bits.out - s->out_start));
    case DECODE_BAD_LITLEN:
        return vb_fail(diag, VB_EDEFLATE, "deflate: invalid literal/length code");
    default:
        return vb_fail(diag, VB_EDEFLATE, "deflate: invalid distance code");
    }
}

/* Drops the bits up to the next byte boundary and gives the whole bytes
 * still in the bit buffer back to the input. */
static void bits_to_byte_boundary(bit_state *b) {
    b->in -= b->bc >> 3;
    b->bb = 0;
    b->bc = 0;
}

/* Stored block: from the byte boundary, LEN, NLEN, then LEN bytes. */
static int block_stored(stream *s, vb_diag *diag) {
    bits_to_byte_boundary(&s->bits);
    const uint8_t *in = s->bits.in;
    if (s->in_end - in < 4)
        return fail_step(s, DECODE_TRUNCATED, diag);
    unsigned len = in[0] | (unsigned)in[1] << 8;
    unsigned nlen = in[2] | (unsigned)in[3] << 8;
    if (len != (~nlen & 0xffffu))
        return vb_fail(diag, VB_EDEFLATE, "deflate: stored block length %u != ~%u", len, nlen);
    in += 4;
    if ((size_t)(s->in_end - in) < len)
        return fail_step(s, DECODE_TRUNCATED, diag);
    if ((size_t)(s->out_end - s->bits.out) < len)
        return fail_step(s, DECODE_TOO_LONG, diag);
    vb_memcpy(s->bits.out, in, len);
    s->bits.in = in + len;
    s->bits.out += len;
    return 0;
}

/* Dynamic block, first part: HLIT, HDIST, HCLEN and the code length code
 * (the precode), whose table goes to st->precode. */
static int read_precode(inflate_state *st, stream *s, unsigned *ret_nlit, unsigned *ret_ndist,
                        vb_diag *diag) {
    const uint8_t *in = s->bits.in;
    const uint8_t *const in_end = s->in_end;
    uint64_t bb = s->bits.bb;
    unsigned bc = s->bits.bc;

    REFILL();
    NEED(14);
    unsigned nlit = (unsigned)(bb & 31) + 257;
    unsigned ndist = (unsigned)((bb >> 5) & 31) + 1;
    unsigned nclen = (unsigned)((bb >> 10) & 15) + 4;
    CONSUME(14);
    if (nlit > 286 || ndist > 30)
        return vb_fail(diag, VB_EDEFLATE, "deflate: %u literal/length or %u distance codes", nlit,
                       ndist);
    uint8_t *lens = st->lens;
    for (unsigned i = 0; i < INFLATE_PRECODE_SYMS; i++)
        lens[i] = 0;
    for (unsigned i = 0; i < nclen; i++) {
        if (bc < 3)
            REFILL();
        NEED(3);
        lens[precode_order[i]] = (uint8_t)(bb & 7);
        CONSUME(3);
    }
    s->bits.in = in;
    s->bits.bb = bb;
    s->bits.bc = bc;
    *ret_nlit = nlit;
    *ret_ndist = ndist;
    return inflate_table_build(st->precode, 1u << INFLATE_PRECODE_BITS, INFLATE_PRECODE_BITS, lens,
                               INFLATE_PRECODE_SYMS, KIND_PRECODE, diag);
truncated:
    return fail_step(s, DECODE_TRUNCATED, diag);
}

/* Dynamic block, second part: the total = nlit + ndist code lengths into
 * st->lens, coded with the precode; a repeat (symbols 16, 17, 18) may run
 * on from the literal/length lengths into the distance ones. */
static int read_code_lengths(inflate_state *st, stream *s, unsigned total, vb_diag *diag) {
    const uint8_t *in = s->bits.in;
    const uint8_t *const in_end = s->in_end;
    uint64_t bb = s->bits.bb;
    unsigned bc = s->bits.bc;
    uint8_t *lens = st->lens;

    for (unsigned i = 0; i < total;) {
        if (bc < 14)
            REFILL();
        uint32_t e = st->precode[bb & MASK(INFLATE_PRECODE_BITS)];
        NEED(E_BITS(e));
        CONSUME(E_BITS(e));
        unsigned sym = E_VALUE(e);
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        unsigned rep;
        uint8_t val = 0;
        if (sym == 16) {
            if (i == 0)
                return vb_fail(diag, VB_EDEFLATE,
                               "deflate: code length repeat with no previous length");
            val = lens[i - 1];
            NEED(2);
            rep = 3 + (unsigned)(bb & 3);
            CONSUME(2);
        } else if (sym == 17) {
            NEED(3);
            rep = 3 + (unsigned)(bb & 7);
            CONSUME(3);
        } else {
            NEED(7);
            rep = 11 + (unsigned)(bb & 127);
            CONSUME(7);
        }
        if (rep > total - i)
            return vb_fail(diag, VB_EDEFLATE, "deflate: code length repeat runs past %u codes",
                           total);
        vb_memset(lens + i, val, rep);
        i += rep;
    }
    s->bits.in = in;
    s->bits.bb = bb;
    s->bits.bc = bc;
    return 0;
truncated:
    return fail_step(s, DECODE_TRUNCATED, diag);
}

/* Dynamic block: the code lengths, themselves Huffman coded, then the
 * literal/length and distance tables built from them. */
static int read_dynamic_tables(inflate_state *st, stream *s, vb_diag *diag) {
    unsigned nlit = 0, ndist = 0;
    st->fixed_loaded = false;
    int r = read_precode(st, s, &nlit, &ndist, diag);
    if (r == 0)
        r = read_code_lengths(st, s, nlit + ndist, diag);
    if (r)
        return r;
    if (st->lens[256] == 0)
        return vb_fail(diag, VB_EDEFLATE, "deflate: block has no end-of-block code");
    r = inflate_table_build(st->litlen, INFLATE_LITLEN_TABLE_SIZE, LITLEN_BITS, st->lens, nlit,
                            KIND_LITLEN, diag);
    if (r == 0)
        r = inflate_table_build(st->dist, INFLATE_DIST_TABLE_SIZE, DIST_BITS, st->lens + nlit,
                                ndist, KIND_DIST, diag);
    return r;
}

/* The careful loop's table lookup: the entry of table t (primary index
 * bits) for the next code, following a second-level pointer only when all
 * its bits are there (the caller then checks the entry's bits). */
static inline uint32_t careful_entry(const uint32_t *t, unsigned bits, uint64_t *bb, unsigned *bc) {
    uint32_t e = t[*bb & MASK(bits)];
    if ((e & E_SUBTABLE) && E_BITS(e) <= *bc) {
        *bb >>= E_BITS(e);
        *bc -= E_BITS(e);
        e = t[E_VALUE(e) + (*bb & MASK(E_CODE_BITS(e)))];
    }
    return e;
}

/* Careful loop: near the end of the input or of the output, refills byte
 * by byte and checks every code's bits, every distance and every write.
 * Runs up to the end-of-block code. */
static int decode_careful(const inflate_state *st, stream *s, vb_diag *diag) {
    const uint8_t *in = s->bits.in;
    const uint8_t *const in_end = s->in_end;
    uint8_t *out = s->bits.out;
    uint8_t *const out_start = s->out_start;
    uint8_t *const out_end = s->out_end;
    uint64_t bb = s->bits.bb, saved;
    unsigned bc = s->bits.bc, length, dist = 0;
    const uint32_t *const lt = st->litlen;
    const uint32_t *const dt = st->dist;
    uint32_t e;
    int why;

    for (;;) {
        REFILL();
        e = careful_entry(lt, LITLEN_BITS, &bb, &bc);
        NEED(E_BITS(e));
        if (e & E_LITERAL) {
            if (out == out_end)
                goto too_long;
            CONSUME(E_BITS(e));
            *out++ = (uint8_t)E_VALUE(e);
            continue;
        }
        if (e & E_EXCEPT) {
            if (e & E_EOB) {
                CONSUME(E_BITS(e));
                break;
            }
            why = DECODE_BAD_LITLEN;
            goto fail;
        }
        saved = bb;
        CONSUME(E_BITS(e));
        length = E_VALUE(e) + (unsigned)((saved & MASK(E_BITS(e))) >> E_CODE_BITS(e));

        REFILL();
        e = careful_entry(dt, DIST_BITS, &bb, &bc);
        NEED(E_BITS(e));
        if (e & E_EXCEPT) {
            why = DECODE_BAD_DIST;
            goto fail;
        }
        saved = bb;
        CONSUME(E_BITS(e));
        dist = E_VALUE(e) + (unsigned)((saved & MASK(E_BITS(e))) >> E_CODE_BITS(e));
        if (dist > (size_t)(out - out_start)) {
            why = DECODE_TOO_FAR;
            goto fail;
        }
        if (length > (size_t)(out_end - out))
            goto too_long;
        const uint8_t *from = out - dist;
        for (unsigned i = 0; i < length; i++)
            out[i] = from[i];
        out += length;
    }
    s->bits.in = in;
    s->bits.out = out;
    s->bits.bb = bb;
    s->bits.bc = bc;
    return 0;
truncated:
    why = DECODE_TRUNCATED;
    goto fail;
too_long:
    why = DECODE_TOO_LONG;
fail:
    s->bits.out = out;
    s->dist = dist;
    return fail_step(s, why, diag);
}

/* The symbols of a Huffman-coded block up to its end-of-block code: the
 * fast loop while far from both ends, then the careful loop. */
static int decode_symbols(const inflate_state *st, stream *s, vb_diag *diag) {
    if (s->in_end - s->bits.in >= FAST_IN_MARGIN && s->out_end - s->bits.out >= FAST_OUT_MARGIN) {
        int r = decode_fast(st, &s->bits, s->in_end - FAST_IN_MARGIN, s->out_end - FAST_OUT_MARGIN,
                            s->out_start, &s->dist);
        if (r == DECODE_EOB)
            return 0;
        if (r != DECODE_MARGIN)
            return fail_step(s, r, diag);
    }
    return decode_careful(st, s, diag);
}

/* One block: its 3-bit header, then its data. *ret_final tells whether it
 * was the last block. */
static int decode_block(inflate_state *st, stream *s, bool *ret_final, vb_diag *diag) {
    const uint8_t *in = s->bits.in;
    const uint8_t *const in_end = s->in_end;
    uint64_t bb = s->bits.bb;
    unsigned bc = s->bits.bc;
    int r;

    REFILL();
    NEED(3);
    bool final = bb & 1;
    unsigned type = (unsigned)(bb >> 1) & 3;
    CONSUME(3);
    s->bits.in = in;
    s->bits.bb = bb;
    s->bits.bc = bc;

    if (type == 0) {
        r = block_stored(s, diag);
    } else if (type == 3) {
        r = vb_fail(diag, VB_EDEFLATE, "deflate: invalid block type 3");
    } else {
        if (type == 1)
            r = st->fixed_loaded ? 0 : inflate_table_load_fixed(st, diag);
        else
            r = read_dynamic_tables(st, s, diag);
        if (r == 0)
            r = decode_symbols(st, s, diag);
    }
    if (r == 0)
        *ret_final = final;
    return r;
truncated:
    return fail_step(s, DECODE_TRUNCATED, diag);
}

/* After the last block: back to the byte boundary, where the stream ends,
 * or for zlib the big-endian Adler-32 of the output follows. */
static int read_trailer(stream *s, bool zlib, vb_diag *diag) {
    bits_to_byte_boundary(&s->bits);
    if (!zlib)
        return 0;
    const uint8_t *in = s->bits.in;
    if (s->in_end - in < 4)
        return vb_fail(diag, VB_EDEFLATE, "zlib: stream ends before its Adler-32");
    uint32_t want = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
    s->bits.in = in + 4;
    uint32_t got = adler32_update(1, s->out_start, (size_t)(s->bits.out - s->out_start));
#if !VB_FUZZ_NO_CHECKSUM
    if (got != want)
        return vb_fail(diag, VB_ECHECKSUM, "zlib: Adler-32 %08x, stream says %08x", got, want);
#else
    (void)got;
    (void)want;
#endif
    return 0;
}

int inflate_decompress(inflate_state *st, inflate_format format, const void *src, size_t src_len,
                       void *dst, size_t dst_cap, size_t *ret_out_len, size_t *ret_in_len,
                       vb_diag *diag) {
    const uint8_t *const in_start = src;
    uint8_t *const out_start = dst;
    unsigned empty_run = 0;
    bool zlib, final;
    int r;

    if (!st || (!src && src_len) || (!dst && dst_cap))
        return vb_fail(diag, VB_EINVAL, "inflate: NULL buffer");
    st->fixed_loaded = false;
    stream s = {{in_start, out_start, 0, 0}, in_start, in_start + src_len, out_start,
                out_start + dst_cap,         0};
    if (format == INFLATE_FORMAT_AUTO)
        zlib = src_len >= 2 && inflate_is_zlib_header(in_start);
    else
        zlib = format == INFLATE_FORMAT_ZLIB;
    if (zlib) {
        if (src_len < 2)
            return vb_fail(diag, VB_EDEFLATE, "zlib: stream shorter than its header");
        if (!inflate_is_zlib_header(in_start))
            return vb_fail(diag, VB_EDEFLATE, "zlib: bad header %02x %02x", in_start[0],
                           in_start[1]);
        s.bits.in += 2;
    }

    do {
        uint8_t *block_start = s.bits.out;
        r = decode_block(st, &s, &final, diag);
        if (r)
            return r;
        if (s.bits.out != block_start)
            empty_run = 0;
        else if (++empty_run > VB_INFLATE_EMPTY_BLOCKS_MAX)
            return vb_fail(diag, VB_EDEFLATE, "deflate: more than %u empty blocks in a row",
                           VB_INFLATE_EMPTY_BLOCKS_MAX);
    } while (!final);

    r = read_trailer(&s, zlib, diag);
    if (r)
        return r;
    if (ret_out_len)
        *ret_out_len = (size_t)(s.bits.out - out_start);
    if (ret_in_len)
        *ret_in_len = (size_t)(s.bits.in - in_start);
    return 0;
}

int inflate_exact(inflate_state *st, inflate_format format, const void *src, size_t src_len,
                  void *dst, size_t dst_len, vb_diag *diag) {
    size_t got;
    int r = inflate_decompress(st, format, src, src_len, dst, dst_len, &got, NULL, diag);
    if (r)
        return r;
    if (got != dst_len)
        return vb_fail(diag, VB_EDEFLATE, "deflate: stream ends after %zu of %zu bytes", got,
                       dst_len);
    return 0;
}
