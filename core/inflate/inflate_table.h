/* inflate_table.h: the decode tables of core/inflate (internal to it): the
 * format of a table entry and the builder, inflate_table.c.
 *
 * Each code gets a primary table indexed by the next VB_INFLATE_*_BITS input
 * bits (LSB first, so codes are stored bit-reversed); longer codes continue
 * in a second-level table. A table entry (32 bits) carries everything needed
 * for one symbol:
 *
 *   bits 0-7    bits to consume: code length (in this table) + extra bits
 *   bits 8-11   code length in this table (where the extra bits start);
 *               for a second-level pointer: that table's index bits
 *   bits 12-15  flags (E_*)
 *   bits 16-31  literal byte, length or distance base, precode symbol, or
 *               the index of the second-level table */
#ifndef VB_INFLATE_TABLE_H
#define VB_INFLATE_TABLE_H

#include "inflate/inflate.h"
#include "lib/util.h"

#define E_LITERAL  0x8000u /* value is a literal byte */
#define E_EXCEPT   0x4000u /* not a literal or length: see the next flags */
#define E_SUBTABLE 0x2000u /* with E_EXCEPT: pointer to a second-level table */
#define E_EOB      0x1000u /* with E_EXCEPT: end of block */
/* E_EXCEPT alone marks an invalid symbol (litlen 286/287, distance 30/31, or
 * a bit pattern no code uses). */

#define E_BITS(e)      ((e)&0xffu)
#define E_CODE_BITS(e) (((e) >> 8) & 0xfu)
#define E_VALUE(e)     ((e) >> 16)

#define LITLEN_BITS VB_INFLATE_LITLEN_BITS
#define DIST_BITS   VB_INFLATE_DIST_BITS
VB_STATIC_ASSERT(LITLEN_BITS >= 9 && LITLEN_BITS <= 15, "VB_INFLATE_LITLEN_BITS out of range");
VB_STATIC_ASSERT(DIST_BITS >= 5 && DIST_BITS <= 15, "VB_INFLATE_DIST_BITS out of range");
VB_STATIC_ASSERT(INFLATE_LITLEN_TABLE_SIZE < 65536 && INFLATE_DIST_TABLE_SIZE < 65536,
                 "table index must fit the 16-bit entry value");
#define MASK(n) ((((uint64_t)1) << (n)) - 1)

typedef enum table_kind { KIND_LITLEN, KIND_DIST, KIND_PRECODE } table_kind;

/* Builds the decode table of the canonical code given by lens[0, nsyms)
 * (0 = symbol unused) with a primary table of 2^bits entries and room for
 * cap entries in all (see inflate_table.c). */
int inflate_table_build(uint32_t *table, unsigned cap, unsigned bits, const uint8_t *lens,
                        unsigned nsyms, table_kind kind, vb_diag *diag);

/* Loads the fixed literal/length and distance codes (RFC 1951 3.2.6) into
 * st->litlen and st->dist and sets st->fixed_loaded. */
int inflate_table_load_fixed(inflate_state *st, vb_diag *diag);

#endif
