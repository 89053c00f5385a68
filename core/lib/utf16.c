/* utf16.c: UTF-16 to UTF-8 conversion for names read from disk. */
#include "lib/utf16.h"

/* Appends code point cp to out; false if it does not fit (with the NUL). */
static int put_utf8(char *out, size_t cap, size_t *len, uint32_t cp) {
    uint8_t seq[4];
    size_t n;
    if (cp < 0x80) {
        seq[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        seq[0] = (uint8_t)(0xC0 | (cp >> 6));
        seq[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        seq[0] = (uint8_t)(0xE0 | (cp >> 12));
        seq[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        seq[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        seq[0] = (uint8_t)(0xF0 | (cp >> 18));
        seq[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        seq[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        seq[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (*len + n >= cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[(*len)++] = (char)seq[i];
    return 1;
}

size_t utf16_to_utf8(const uint16_t *units, size_t n, char *out, size_t cap) {
    size_t len = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n && units[i] != 0; i++) {
        uint32_t cp = units[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && units[i + 1] >= 0xDC00 &&
            units[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00u);
            i++;
        } else if ((cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x20 || cp == 0x7F) {
            cp = '?';
        }
        if (!put_utf8(out, cap, &len, cp))
            break;
    }
    out[len] = '\0';
    return len;
}
