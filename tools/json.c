/* json.c: JSON string output for `vmdk ... --json`. Descriptor text is
 * untrusted: any byte may appear in a file name or ddb value, so this
 * escapes everything JSON requires and never emits invalid UTF-8. */
#include "vmdk_tool.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static int utf8_sequence(const unsigned char *s) {
    unsigned char c = s[0];
    int n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0; /* also stops at the NUL terminator */
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0; /* overlong, out of range, or a surrogate */
    return n;
}

void tool_json_string(FILE *out, const char *str) {
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', out);
    while (*s) {
        unsigned char c = *s;
        int n = utf8_sequence(s);
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7f || n == 0) {
            fprintf(out, "\\u%04x", c);
            n = 1;
        } else {
            fwrite(s, 1, (size_t)n, out);
        }
        s += n > 0 ? n : 1;
    }
    fputc('"', out);
}
