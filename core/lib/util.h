/* util.h: tiny freestanding helpers shared by all of core/: memory and
 * string functions (with hex digits, text lines and a string pool),
 * little-endian loads, overflow-checked arithmetic, and path joining.
 * Look here before writing a helper of your own. */
#ifndef VB_UTIL_H
#define VB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VB_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define VB_ARRAY_SIZE(a)            (sizeof(a) / sizeof((a)[0]))
#define VB_MIN(a, b)                ((a) < (b) ? (a) : (b))
#define VB_MAX(a, b)                ((a) > (b) ? (a) : (b))

/* The compiler inlines these for constant sizes; otherwise they call the
 * memcpy/memset/memmove/memcmp that core/lib/mem.c (firmware) or libc (host)
 * provides. */
#define vb_memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define vb_memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define vb_memset(d, c, n)  __builtin_memset((d), (c), (n))
#define vb_memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))

/* Little-endian loads from untrusted byte buffers (no alignment needed). */
static inline uint16_t vb_le16(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    return (uint16_t)(b[0] | (b[1] << 8));
}
static inline uint32_t vb_le32(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}
static inline uint64_t vb_le64(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    return (uint64_t)vb_le32(b) | ((uint64_t)vb_le32(b + 4) << 32);
}
static inline void vb_put_le32(void *p, uint32_t v) {
    uint8_t *b = (uint8_t *)p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}
static inline void vb_put_le64(void *p, uint64_t v) {
    vb_put_le32(p, (uint32_t)v);
    vb_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Overflow-checked arithmetic: return true on overflow, leaving *ret unset
 * semantics to the builtin (callers must not use it then). */
static inline bool vb_mul_overflow_u64(uint64_t a, uint64_t b, uint64_t *ret) {
    return __builtin_mul_overflow(a, b, ret);
}
static inline bool vb_add_overflow_u64(uint64_t a, uint64_t b, uint64_t *ret) {
    return __builtin_add_overflow(a, b, ret);
}

/* True when [offset, offset + len) lies within [0, size). */
static inline bool vb_range_ok(uint64_t offset, uint64_t len, uint64_t size) {
    return offset <= size && len <= size - offset;
}

static inline bool vb_is_pow2_u64(uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

/* ASCII-only character helpers (descriptor and config text). */
static inline char vb_tolower(char c) {
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}
static inline bool vb_isspace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
static inline bool vb_isdigit(char c) {
    return c >= '0' && c <= '9';
}
/* The value 0..15 of a hex digit in either case, or -1 for any other char. */
int vb_hex_digit(char c);

size_t vb_strlen(const char *s);
size_t vb_strnlen(const char *s, size_t max);
int vb_strcmp(const char *a, const char *b);
/* Case-insensitive (ASCII) comparison of s[0..n) with NUL-terminated word. */
bool vb_strn_ieq(const char *s, size_t n, const char *word);
bool vb_str_ieq(const char *a, const char *b);

/* Enum names: names[] is indexed by the value (designated initialisers).
 * vb_name_of gives names[value], or fallback when the value is outside the
 * table or has no name. vb_name_find sets *ret to the value whose name
 * equals s[0..n) ignoring case, and returns false when none does. */
const char *vb_name_of(const char *const *names, size_t count, unsigned value,
                       const char *fallback);
bool vb_name_find(const char *const *names, size_t count, const char *s, size_t n, unsigned *ret);
/* Copies src into dst (cap bytes); returns false (dst emptied) if it does
 * not fit. */
bool vb_strlcpy(char *dst, const char *src, size_t cap);

/* Appends s[0..n) and a NUL to a string pool (pool[0..cap), *used bytes
 * taken) and returns the copy, or NULL (nothing changed) when it does not
 * fit. The descriptor and configuration parsers keep their values so. */
const char *vb_strpool_add(char *pool, size_t cap, size_t *used, const char *s, size_t n);

/* The next line of text[0..len) from *pos (0 for the first): sets *ret_line
 * and *ret_len (the '\n' left out; a '\r' before it stays) and moves *pos
 * past the '\n'. Returns false at the end. A last line without '\n' counts;
 * a final '\n' starts no empty line. The descriptor and configuration
 * parsers read their text so. */
bool vb_next_line(const char *text, size_t len, size_t *pos, const char **ret_line,
                  size_t *ret_len);

/* Parses an unsigned decimal (base 10) or hexadecimal (base 16) number from
 * s[0..n) exactly: no sign, no spaces, no empty string, no overflow. For
 * base 16 an optional 0x prefix is accepted. */
bool vb_parse_u64(const char *s, size_t n, unsigned base, uint64_t *ret);

/* Joins a '/'-separated relative name onto the folder of base_path (the part
 * before its last '/', or "" if none) into out, normalising "." components
 * and backslashes to '/'. Returns 0, VB_EPATH when name is absolute (leading
 * '/' or '\\' or a drive letter "X:") or contains a ".." component and
 * allow_escape is false, or VB_ELIMIT when it does not fit. With
 * allow_escape, ".." is kept verbatim and absolute names are copied. */
int vb_path_join(char *out, size_t cap, const char *base_path, const char *name, bool allow_escape);

#endif
