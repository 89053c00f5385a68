/* utf8.c: strict UTF-8 decoding (see utf8.h). Trusts nothing in its input. */
#include "lib/utf8.h"
#include "lib/error.h"

size_t utf8_decode(const char *s, size_t n, uint32_t *ret_cp) {
    const uint8_t *b = (const uint8_t *)s;
    size_t len;
    uint32_t cp, min;
    if (n == 0)
        return 0;
    if (b[0] < 0x80) {
        *ret_cp = b[0];
        return 1;
    } else if ((b[0] & 0xe0) == 0xc0) {
        len = 2, cp = b[0] & 0x1fu, min = 0x80;
    } else if ((b[0] & 0xf0) == 0xe0) {
        len = 3, cp = b[0] & 0x0fu, min = 0x800;
    } else if ((b[0] & 0xf8) == 0xf0) {
        len = 4, cp = b[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((b[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (b[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *ret_cp = cp;
    return len;
}

int utf8_to_ucs2(uint16_t *out, size_t cap, const char *s, size_t n, bool strict) {
    size_t units = 0, i = 0;
    if (cap == 0)
        return VB_ELIMIT;
    while (i < n && s[i] != '\0') {
        uint32_t cp;
        size_t used = utf8_decode(s + i, n - i, &cp);
        if (used == 0 || cp > 0xffff) {
            if (strict) {
                out[0] = 0;
                return VB_EINVAL;
            }
            cp = 0xfffd;
            if (used == 0)
                used = 1;
        }
        if (units + 1 >= cap) {
            out[0] = 0;
            return VB_ELIMIT;
        }
        out[units++] = (uint16_t)cp;
        i += used;
    }
    out[units] = 0;
    return (int)units;
}
