/* crc32.c: table-driven CRC-32, slicing-by-8 (eight bytes per step through
 * eight 256-entry tables).
 *
 * The tables (8 KiB) are computed on first use into static storage rather
 * than stored as constants, which keeps them out of the EFI image. The
 * firmware and the host tool are single-threaded; two threads racing on the
 * first call would both write the same values. */
#include "lib/crc32.h"
#include "lib/util.h"

#define CRC32_POLY 0xEDB88320u

static uint32_t crc32_table[8][256];
static bool crc32_ready;

static void crc32_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? CRC32_POLY ^ (c >> 1) : c >> 1;
        crc32_table[0][i] = c;
    }
    /* table[k][i]: CRC of byte i followed by k zero bytes. */
    for (uint32_t i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++) {
            uint32_t prev = crc32_table[k - 1][i];
            crc32_table[k][i] = (prev >> 8) ^ crc32_table[0][prev & 0xff];
        }
    crc32_ready = true;
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t len) {
    const uint8_t *p = data;
    const uint32_t(*t)[256] = (const uint32_t(*)[256])crc32_table;
    if (!crc32_ready)
        crc32_init();
    crc = ~crc;
    while (len >= 8) {
        uint32_t a = vb_le32(p) ^ crc;
        uint32_t b = vb_le32(p + 4);
        crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^
              t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^ t[0][b >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t crc32_compute(const void *data, size_t len) {
    return crc32_update(0, data, len);
}
