/* mem.c: memcpy/memmove/memset/memcmp for freestanding builds.
 *
 * The compiler may emit calls to these on its own (struct copies, large
 * initialisers), so core/ must define them. The host build leaves this file
 * out and uses libc's faster versions; the firmware build links it.
 *
 * x86_64 uses rep movsb/stosb. Elsewhere (AArch64) plain C moves 8 bytes at
 * a time where source and destination share their alignment, and single
 * bytes otherwise: never an unaligned word access, which AArch64 firmware
 * may run with alignment checks on (the build uses -mstrict-align). A
 * forward copy stays correct for memmove's dst < src overlap, since each
 * word is read before anything at or above it is written. */
#include <stddef.h>
#include <stdint.h>

#if !defined(__x86_64__)
/* A word that may alias any object (the buffers are bytes of any type). */
typedef uint64_t __attribute__((may_alias)) mem_word;
#define MEM_WORD sizeof(mem_word)

static int mem_co_aligned(const void *a, const void *b) {
    return (((uintptr_t)a ^ (uintptr_t)b) & (MEM_WORD - 1)) == 0;
}
#endif

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
#if defined(__x86_64__)
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (mem_co_aligned(d, s)) {
        for (; n && ((uintptr_t)d & (MEM_WORD - 1)); n--)
            *d++ = *s++;
        for (; n >= MEM_WORD; n -= MEM_WORD, d += MEM_WORD, s += MEM_WORD)
            *(mem_word *)(void *)d = *(const mem_word *)(const void *)s;
    }
    while (n--)
        *d++ = *s++;
#endif
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n) {
#if defined(__x86_64__)
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
    uint8_t *d = dst;
    for (; n && ((uintptr_t)d & (MEM_WORD - 1)); n--)
        *d++ = (uint8_t)c;
    mem_word w = (uint8_t)c * (mem_word)0x0101010101010101u;
    for (; n >= MEM_WORD; n -= MEM_WORD, d += MEM_WORD)
        *(mem_word *)(void *)d = w;
    while (n--)
        *d++ = (uint8_t)c;
#endif
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}
