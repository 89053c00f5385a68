/* util.c: string, number and path helpers for core/ (see util.h). */
#include "lib/util.h"
#include "lib/error.h"

size_t vb_strlen(const char *s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t vb_strnlen(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int vb_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

bool vb_strn_ieq(const char *s, size_t n, const char *word) {
    size_t i;
    for (i = 0; i < n; i++)
        if (word[i] == '\0' || vb_tolower(s[i]) != vb_tolower(word[i]))
            return false;
    return word[i] == '\0';
}

bool vb_str_ieq(const char *a, const char *b) {
    return vb_strn_ieq(a, vb_strlen(a), b);
}

const char *vb_name_of(const char *const *names, size_t count, unsigned value,
                       const char *fallback) {
    return value < count && names[value] ? names[value] : fallback;
}

bool vb_name_find(const char *const *names, size_t count, const char *s, size_t n, unsigned *ret) {
    for (size_t i = 0; i < count; i++)
        if (names[i] && vb_strn_ieq(s, n, names[i])) {
            *ret = (unsigned)i;
            return true;
        }
    return false;
}

bool vb_strlcpy(char *dst, const char *src, size_t cap) {
    size_t n = vb_strnlen(src, cap);
    if (cap == 0)
        return false;
    if (n == cap) {
        dst[0] = '\0';
        return false;
    }
    vb_memcpy(dst, src, n + 1);
    return true;
}

const char *vb_strpool_add(char *pool, size_t cap, size_t *used, const char *s, size_t n) {
    if (*used > cap || n >= cap - *used)
        return NULL;
    char *dst = pool + *used;
    vb_memcpy(dst, s, n);
    dst[n] = '\0';
    *used += n + 1;
    return dst;
}

bool vb_next_line(const char *text, size_t len, size_t *pos, const char **ret_line,
                  size_t *ret_len) {
    size_t start = *pos;
    if (start >= len)
        return false;
    size_t end = start;
    while (end < len && text[end] != '\n')
        end++;
    *ret_line = text + start;
    *ret_len = end - start;
    *pos = end < len ? end + 1 : len;
    return true;
}

int vb_hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = vb_tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool vb_parse_u64(const char *s, size_t n, unsigned base, uint64_t *ret) {
    uint64_t v = 0;
    if (base == 16 && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    if (n == 0 || (base != 10 && base != 16))
        return false;
    for (size_t i = 0; i < n; i++) {
        int d = base == 10 ? (vb_isdigit(s[i]) ? s[i] - '0' : -1) : vb_hex_digit(s[i]);
        if (d < 0)
            return false;
        if (vb_mul_overflow_u64(v, base, &v) || vb_add_overflow_u64(v, (uint64_t)d, &v))
            return false;
    }
    *ret = v;
    return true;
}

static bool is_absolute(const char *name) {
    if (name[0] == '/' || name[0] == '\\')
        return true;
    return ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':';
}

/* Appends one component to out[*len], adding a '/' separator if needed. */
static int append_component(char *out, size_t cap, size_t *len, const char *c, size_t n) {
    size_t need = *len + (*len ? 1 : 0) + n;
    if (need >= cap)
        return VB_ELIMIT;
    if (*len)
        out[(*len)++] = '/';
    vb_memcpy(out + *len, c, n);
    *len += n;
    out[*len] = '\0';
    return 0;
}

int vb_path_join(char *out, size_t cap, const char *base_path, const char *name,
                 bool allow_escape) {
    size_t len = 0;
    if (cap == 0)
        return VB_ELIMIT;
    out[0] = '\0';
    if (is_absolute(name)) {
        if (!allow_escape)
            return VB_EPATH;
        for (size_t i = 0;; i++) {
            if (i >= cap)
                return VB_ELIMIT;
            out[i] = name[i] == '\\' ? '/' : name[i];
            if (!name[i])
                return 0;
        }
    }
    /* Folder of base_path: everything before its last separator. */
    size_t dir_len = 0;
    for (size_t i = 0; base_path && base_path[i]; i++)
        if (base_path[i] == '/' || base_path[i] == '\\')
            dir_len = i;
    const char *parts[2] = {base_path ? base_path : "", name};
    size_t limits[2] = {dir_len, vb_strlen(name)};
    for (int p = 0; p < 2; p++) {
        const char *s = parts[p];
        size_t i = 0, end = limits[p];
        while (i < end) {
            size_t start = i;
            while (i < end && s[i] != '/' && s[i] != '\\')
                i++;
            size_t n = i - start;
            if (i < end)
                i++; /* skip the separator */
            if (n == 0 || (n == 1 && s[start] == '.'))
                continue;
            if (n == 2 && s[start] == '.' && s[start + 1] == '.' && !allow_escape)
                return VB_EPATH;
            int r = append_component(out, cap, &len, s + start, n);
            if (r)
                return r;
        }
    }
    return len ? 0 : VB_EPATH;
}
