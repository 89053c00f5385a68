/* guid.c: GUID text parsing and formatting (see guid.h). The text is
 * untrusted: its length and every character are checked. */
#include "lib/guid.h"
#include "lib/util.h"

/* Text position of each byte of the on-disk GUID: the first three fields are
 * stored little-endian, so their bytes appear reversed in the text. */
static const uint8_t guid_text_pos[16] = {6,  4,  2,  0,  11, 9,  16, 14,
                                          19, 21, 24, 26, 28, 30, 32, 34};

bool vb_guid_parse(const char *s, size_t n, vb_guid *ret_guid) {
    vb_guid g;
    if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return false;
    for (int i = 0; i < 16; i++) {
        int hi = vb_hex_digit(s[guid_text_pos[i]]), lo = vb_hex_digit(s[guid_text_pos[i] + 1]);
        if (hi < 0 || lo < 0)
            return false;
        g.bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    *ret_guid = g;
    return true;
}

void vb_guid_format(const vb_guid *guid, char out[VB_GUID_STR_LEN]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 36; i++)
        out[i] = '-';
    for (int i = 0; i < 16; i++) {
        out[guid_text_pos[i]] = digits[guid->bytes[i] >> 4];
        out[guid_text_pos[i] + 1] = digits[guid->bytes[i] & 15];
    }
    out[36] = '\0';
}

bool vb_guid_is_zero(const vb_guid *guid) {
    for (int i = 0; i < 16; i++)
        if (guid->bytes[i])
            return false;
    return true;
}
