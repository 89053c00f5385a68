/* adler32.c: Adler-32 (RFC 1950 section 8.2), the check of the zlib wrapper.
 *
 * Sums 16-byte blocks at a time: with K blocks of bytes p[k][i],
 *   a += sum(p)
 *   b += 16 K a0 + 16 sum_k (K - 1 - k) S_k + sum_k sum_i (16 - i) p[k][i]
 * where S_k is the byte sum of block k. On x86-64 (SSE2 is baseline there)
 * the sums use psadbw/pmaddwd through compiler builtins (no headers needed);
 * elsewhere, or with SSE disabled (firmware builds may), plain C. */
#include "inflate/inflate.h"

#define ADLER_MOD 65521u
/* Largest n such that 255 n (n + 1) / 2 + (n + 1) (ADLER_MOD - 1) < 2^32:
 * how many bytes can be summed before a and b must be reduced. */
#define ADLER_NMAX 5552u

#if defined(__SSE2__)
typedef char v16qi __attribute__((vector_size(16)));
typedef short v8hi __attribute__((vector_size(16)));
typedef unsigned short v8hu __attribute__((vector_size(16)));
typedef int v4si __attribute__((vector_size(16)));
typedef long long v2di __attribute__((vector_size(16)));

/* Adds the n / 16 whole blocks at p to a and b (no reduction); returns the
 * number of bytes consumed. */
static size_t adler_blocks(const uint8_t *p, size_t n, uint32_t *a, uint32_t *b) {
    size_t blocks = n / 16;
    const v16qi zero = {0};
    const v8hi w_even = {16, 14, 12, 10, 8, 6, 4, 2};
    const v8hi w_odd = {15, 13, 11, 9, 7, 5, 3, 1};
    v2di sum = {0, 0}, prev = {0, 0};
    v4si weighted = {0, 0, 0, 0};
    for (size_t k = 0; k < blocks; k++, p += 16) {
        v16qi x;
        __builtin_memcpy(&x, p, 16);
        prev += sum;
        sum += (v2di)__builtin_ia32_psadbw128(x, zero);
        v8hu words = (v8hu)x;
        v8hi even = (v8hi)(words & 0xff);
        v8hi odd = (v8hi)(words >> 8);
        weighted += __builtin_ia32_pmaddwd128(even, w_even) + __builtin_ia32_pmaddwd128(odd, w_odd);
    }
    uint32_t a0 = *a;
    *a = a0 + (uint32_t)(sum[0] + sum[1]);
    *b += a0 * 16u * (uint32_t)blocks + 16u * (uint32_t)(prev[0] + prev[1]) +
          (uint32_t)(weighted[0] + weighted[1] + weighted[2] + weighted[3]);
    return blocks * 16;
}
#endif

uint32_t adler32_update(uint32_t adler, const void *buf, size_t len) {
    const uint8_t *p = buf;
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (len > 0) {
        size_t n = len < ADLER_NMAX ? len : ADLER_NMAX;
        len -= n;
#if defined(__SSE2__)
        size_t done = adler_blocks(p, n, &a, &b);
        p += done;
        n -= done;
#endif
        for (; n >= 4; n -= 4, p += 4) {
            a += p[0];
            b += a;
            a += p[1];
            b += a;
            a += p[2];
            b += a;
            a += p[3];
            b += a;
        }
        while (n--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return b << 16 | a;
}
