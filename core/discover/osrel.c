/* osrel.c: os-release value lookup (see osrel.h). The text is untrusted:
 * any bytes, any length; the output is always a bounded, printable,
 * NUL-terminated string. */
#include "discover/osrel.h"
#include "lib/util.h"

/* Unquotes v[0..n) into out as a shell does: "..." with \\ \" \$ \` escapes,
 * '...' literal, \x outside quotes is x. */
static void osrel_unquote(const char *v, size_t n, char *out, size_t cap) {
    size_t o = 0;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (quote == '\'') {
            if (c == '\'') {
                quote = 0;
                continue;
            }
        } else if (c == '"') {
            quote = quote ? 0 : '"';
            continue;
        } else if (c == '\'' && !quote) {
            quote = '\'';
            continue;
        } else if (c == '\\' && i + 1 < n) {
            char next = v[i + 1];
            if (!quote || next == '\\' || next == '"' || next == '$' || next == '`') {
                c = next;
                i++;
            }
        }
        if (o + 1 < cap)
            out[o++] = ((unsigned char)c < 0x20 || c == 0x7F) ? '?' : c;
    }
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
}

bool osrel_get(const char *text, size_t len, const char *key, char *out, size_t cap) {
    size_t klen = vb_strlen(key), pos = 0, n;
    const char *s;
    bool found = false;
    if (cap)
        out[0] = '\0';
    while (vb_next_line(text, len, &pos, &s, &n)) {
        size_t i = 0;
        while (i < n && vb_isspace(s[i]))
            i++;
        if (n - i <= klen || vb_memcmp(s + i, key, klen) != 0 || s[i + klen] != '=')
            continue;
        i += klen + 1;
        size_t end = n;
        while (end > i && vb_isspace(s[end - 1]))
            end--;
        osrel_unquote(s + i, end - i, out, cap);
        found = cap && out[0];
    }
    return found;
}
