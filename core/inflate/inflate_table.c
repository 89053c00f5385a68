/* inflate_table.c: builds the decode tables of core/inflate (entry format
 * in inflate_table.h) from code lengths, which come from the stream and are
 * trusted no further than lens[s] <= 15: over-subscribed and incomplete
 * codes are refused (but for the exceptions RFC 1951 allows), and a table
 * that would not fit its room fails instead of overflowing. */
#include "inflate/inflate_table.h"

/* RFC 1951 3.2.5: length symbols 257..285 and distance symbols 0..29. */
static const uint16_t length_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                         15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* Entry of a symbol without its code length: value, flags, extra bits. */
static uint32_t symbol_template(table_kind kind, unsigned sym) {
    switch (kind) {
    case KIND_LITLEN:
        if (sym < 256)
            return ((uint32_t)sym << 16) | E_LITERAL;
        if (sym == 256)
            return E_EXCEPT | E_EOB;
        if (sym < 286)
            return ((uint32_t)length_base[sym - 257] << 16) | length_extra[sym - 257];
        return E_EXCEPT;
    case KIND_DIST:
        if (sym < 30)
            return ((uint32_t)dist_base[sym] << 16) | dist_extra[sym];
        return E_EXCEPT;
    case KIND_PRECODE:
    default:
        return (uint32_t)sym << 16;
    }
}

static const char *kind_name(table_kind kind) {
    return kind == KIND_LITLEN ? "literal/length" : kind == KIND_DIST ? "distance" : "code length";
}

/* The bit-reversed form of (code + 1), given rev = reversed code of len
 * bits. */
static inline unsigned next_reversed(unsigned rev, unsigned len) {
    unsigned bit = 1u << (len - 1);
    while (rev & bit) {
        rev ^= bit;
        bit >>= 1;
    }
    return rev | bit;
}

/* Builds the decode table of the canonical code given by lens[0, nsyms)
 * (0 = symbol unused) with a primary table of 2^bits entries and room for
 * cap entries in all. Over-subscribed codes are rejected; incomplete ones
 * too, except for the literal/length and distance codes when they hold no
 * code or a single code of length 1 (RFC 1951 3.2.7, and what zlib writes
 * for a block with one distance). Unused bit patterns become invalid
 * entries. */
int inflate_table_build(uint32_t *table, unsigned cap, unsigned bits, const uint8_t *lens,
                        unsigned nsyms, table_kind kind, vb_diag *diag) {
    uint16_t count[INFLATE_MAX_CODE_LEN + 1] = {0};
    uint16_t offs[INFLATE_MAX_CODE_LEN + 2];
    uint16_t sorted[INFLATE_LITLEN_SYMS];
    unsigned max_len = 0, used = 0;

    for (unsigned s = 0; s < nsyms; s++)
        count[lens[s]]++;
    count[0] = 0;
    int32_t left = 1;
    for (unsigned len = 1; len <= INFLATE_MAX_CODE_LEN; len++) {
        left = (left << 1) - count[len];
        if (left < 0)
            return vb_fail(diag, VB_EDEFLATE, "deflate: over-subscribed %s code", kind_name(kind));
        if (count[len])
            max_len = len;
        used += count[len];
    }
    if (left > 0) {
        bool single = used == 0 || (used == 1 && count[1] == 1);
        if (kind == KIND_PRECODE || !single)
            return vb_fail(diag, VB_EDEFLATE, "deflate: incomplete %s code", kind_name(kind));
        for (unsigned i = 0; i < (1u << bits); i++)
            table[i] = E_EXCEPT | (1u << 8) | 1u;
        if (used == 0)
            return 0;
    }

    offs[1] = 0;
    for (unsigned len = 1; len <= INFLATE_MAX_CODE_LEN; len++)
        offs[len + 1] = (uint16_t)(offs[len] + count[len]);
    for (unsigned s = 0; s < nsyms; s++)
        if (lens[s])
            sorted[offs[lens[s]]++] = (uint16_t)s;

    /* Walk the codes in canonical order (by length, then symbol), keeping
     * the bit-reversed code: incrementing a code is a carry from its top
     * bit down in the reversed form, and a longer code appends a zero at
     * the top, which leaves the reversed value unchanged.
     *
     * Primary table: while len <= bits, the table holds 2^len entries;
     * going to len + 1 duplicates it (every shorter code repeats every
     * 2^len entries) and the codes of length len + 1 are placed once. A
     * slot left over is a prefix of longer codes and gets overwritten
     * later, since the code is complete (or the table was pre-filled). */
    unsigned idx = 0, rev = 0, len = 1;
    unsigned short_max = max_len < bits ? max_len : bits;
    for (; len <= short_max; len++) {
        if (len > 1)
            vb_memcpy(table + (1u << (len - 1)), table, (sizeof(*table)) << (len - 1));
        for (unsigned n = count[len]; n > 0; n--) {
            table[rev] = symbol_template(kind, sorted[idx++]) + (len << 8) + len;
            rev = next_reversed(rev, len);
        }
    }
    for (unsigned size = 1u << short_max; size < (1u << bits); size <<= 1)
        vb_memcpy(table + size, table, sizeof(*table) * size);

    /* Second-level tables for the codes longer than bits. */
    unsigned next_free = 1u << bits;
    unsigned cur_prefix = ~0u, sub_start = 0, sub_bits = 0;
    for (; len <= max_len; len++) {
        for (unsigned n = count[len]; n > 0; n--) {
            unsigned prefix = rev & (unsigned)MASK(bits);
            if (prefix != cur_prefix) {
                /* New second-level table: as many index bits as it takes
                 * for the codes still to come to fill it. n counts the
                 * codes of this length not yet placed. */
                unsigned cur = len - bits;
                int32_t room = (int32_t)(1u << cur) - (int32_t)n;
                while (room > 0 && cur + bits < max_len) {
                    cur++;
                    room = (room << 1) - count[cur + bits];
                }
                if (next_free + (1u << cur) > cap)
                    return vb_fail(diag, VB_EDEFLATE, "deflate: %s table overflow",
                                   kind_name(kind));
                table[prefix] =
                    ((uint32_t)next_free << 16) | E_EXCEPT | E_SUBTABLE | (cur << 8) | bits;
                cur_prefix = prefix;
                sub_start = next_free;
                sub_bits = cur;
                next_free += 1u << cur;
            }
            uint32_t e = symbol_template(kind, sorted[idx++]) + ((len - bits) << 8) + (len - bits);
            for (unsigned i = rev >> bits; i < (1u << sub_bits); i += 1u << (len - bits))
                table[sub_start + i] = e;
            rev = next_reversed(rev, len);
        }
    }
    return 0;
}

int inflate_table_load_fixed(inflate_state *st, vb_diag *diag) {
    unsigned s = 0;
    for (; s < 144; s++)
        st->lens[s] = 8;
    for (; s < 256; s++)
        st->lens[s] = 9;
    for (; s < 280; s++)
        st->lens[s] = 7;
    for (; s < 288; s++)
        st->lens[s] = 8;
    for (s = 0; s < INFLATE_DIST_SYMS; s++)
        st->lens[INFLATE_LITLEN_SYMS + s] = 5;
    int r = inflate_table_build(st->litlen, INFLATE_LITLEN_TABLE_SIZE, LITLEN_BITS, st->lens,
                                INFLATE_LITLEN_SYMS, KIND_LITLEN, diag);
    if (r == 0)
        r = inflate_table_build(st->dist, INFLATE_DIST_TABLE_SIZE, DIST_BITS,
                                st->lens + INFLATE_LITLEN_SYMS, INFLATE_DIST_SYMS, KIND_DIST, diag);
    st->fixed_loaded = r == 0;
    return r;
}
