/* error.c: names and messages of vb_err codes, and the detail formatter.
 * The formatter is freestanding (no libc) so details work in firmware. */
#include "lib/error.h"
#include "lib/util.h"

static const struct {
    const char *name;
    const char *message;
} err_table[VB_ERR_COUNT] = {
    {"OK", "success"},
    {"EIO", "I/O error"},
    {"ECORRUPT", "corrupt metadata"},
    {"EUNSUPPORTED", "unsupported feature"},
    {"ELIMIT", "limit exceeded"},
    {"ENOTFOUND", "not found"},
    {"ERANGE", "read out of range"},
    {"EINVAL", "invalid argument"},
    {"EFORMAT", "unrecognised format"},
    {"ENOACCESS", "extent is NOACCESS"},
    {"EPATH", "path escapes its folder"},
    {"EDESCRIPTOR", "bad descriptor"},
    {"EDEFLATE", "bad compressed data"},
    {"ECHECKSUM", "checksum mismatch"},
    {"ECID", "parent CID mismatch"},
    {"ELOOP", "chain loops back on itself"},
    {"ETRUNCATED", "truncated"},
    {"EREADONLY", "read-only"},
    {"EEXIST", "already exists"},
};

const char *vb_err_name(int err) {
    return (err <= 0 && err > -VB_ERR_COUNT) ? err_table[-err].name : "EUNKNOWN";
}

const char *vb_err_message(int err) {
    return (err <= 0 && err > -VB_ERR_COUNT) ? err_table[-err].message : "unknown error";
}

void vb_diag_clear(vb_diag *diag) {
    if (diag) {
        diag->err = 0;
        diag->text[0] = '\0';
    }
}

int vb_fail(vb_diag *diag, int err, const char *fmt, ...) {
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vb_vformat(diag->text, sizeof(diag->text), fmt, ap);
        va_end(ap);
        diag->err = err;
    }
    return err;
}

typedef struct out_buf {
    char *buf;
    size_t cap, len;
} out_buf;

static void put(out_buf *o, char c) {
    if (o->len + 1 < o->cap)
        o->buf[o->len++] = c;
}

static void put_number(out_buf *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
                       char pad) {
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    for (int i = n; i < width; i++)
        put(o, pad);
    while (n)
        put(o, tmp[--n]);
}

size_t vb_vformat(char *buf, size_t cap, const char *fmt, va_list ap) {
    out_buf o = {buf, cap, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (vb_isdigit(*p))
            width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') {
            longs += (*p == 'z') ? 2 : 1;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            while (*s)
                put(&o, *s++);
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v =
                longs ? (longs >= 2 ? va_arg(ap, long long) : va_arg(ap, long)) : va_arg(ap, int);
            put_number(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false, v < 0, width,
                       pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v =
                longs ? (longs >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long))
                      : va_arg(ap, unsigned);
            put_number(&o, v, *p == 'u' ? 10 : 16, *p == 'X', false, width, pad);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--;
            break;
        default:
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (cap)
        buf[o.len] = '\0';
    return o.len;
}

size_t vb_format(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = vb_vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int vb_fail_read(vb_diag *diag, int err, const char *what, uint64_t offset, uint64_t len) {
    return vb_fail(diag, err, "%s: read of %llu bytes at offset %llu failed: %s", what,
                   (unsigned long long)len, (unsigned long long)offset, vb_err_message(err));
}
