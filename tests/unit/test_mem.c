/* test_mem.c: core/lib/mem.c, the memcpy/memmove/memset/memcmp that only the
 * firmware links. tests/unit/mem.mk compiles it with the firmware's flags
 * twice (x86_64 rep movsb/stosb, and the portable loops of other
 * architectures) and renames the functions, so these calls reach that code,
 * not libc's. Every case checks the exact bytes of the whole buffer (guard
 * bytes around the target stay untouched) against a byte-by-byte model, at
 * several alignments. libc's memcmp only compares the results. */
#include "test.h"

#include <stdint.h>

#include "lib/util.h"

typedef struct mem_impl {
    const char *name;
    void *(*copy)(void *restrict dst, const void *restrict src, size_t n);
    void *(*move)(void *dst, const void *src, size_t n);
    void *(*set)(void *dst, int c, size_t n);
    int (*cmp)(const void *a, const void *b, size_t n);
} mem_impl;

#define MEM_DECLARE(prefix)                                                                        \
    void *prefix##_memcpy(void *restrict dst, const void *restrict src, size_t n);                 \
    void *prefix##_memmove(void *dst, const void *src, size_t n);                                  \
    void *prefix##_memset(void *dst, int c, size_t n);                                             \
    int prefix##_memcmp(const void *a, const void *b, size_t n);
MEM_DECLARE(memasm)
MEM_DECLARE(memc)

static const mem_impl impls[] = {
    {"x86_64 (rep movsb/stosb)", memasm_memcpy, memasm_memmove, memasm_memset, memasm_memcmp},
    {"portable loops", memc_memcpy, memc_memmove, memc_memset, memc_memcmp},
};

enum { BUF = 1024 };
static const size_t lengths[] = {0,  1,  2,  3,  4,  7,  8,  9,   15,  16,
                                 17, 31, 32, 33, 63, 64, 65, 255, 256, 300};

/* Byte i of pattern `seed`: neighbours differ, so a shifted copy shows. */
static uint8_t pat(size_t i, unsigned seed) {
    return (uint8_t)(i * 131u + seed * 29u + 1u + (i >> 8));
}
static void fill(uint8_t *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++)
        p[i] = pat(i, seed);
}

/* Reports which implementation and case failed (CHECK_MEM names neither). */
static void expect_buf(const mem_impl *m, const char *what, const uint8_t *got, const uint8_t *want,
                       size_t dst, size_t src, size_t n) {
    if (memcmp(got, want, BUF) == 0)
        return;
    size_t i = 0;
    while (got[i] == want[i])
        i++;
    fprintf(stderr, "%s: %s: %s dst=%zu src=%zu n=%zu: byte %zu is %02x, want %02x\n", test_current,
            m->name, what, dst, src, n, i, got[i], want[i]);
    test_failures++;
}

TEST(test_memcpy) {
    for (size_t k = 0; k < VB_ARRAY_SIZE(impls); k++) {
        const mem_impl *m = &impls[k];
        for (size_t li = 0; li < VB_ARRAY_SIZE(lengths); li++)
            for (size_t da = 0; da < 8; da++)
                for (size_t sa = 0; sa < 8; sa++) {
                    size_t n = lengths[li], dst = 16 + da, src = 8 + sa;
                    uint8_t from[BUF], got[BUF], want[BUF];
                    fill(from, BUF, 1);
                    fill(got, BUF, 2);
                    memcpy(want, got, BUF);
                    for (size_t i = 0; i < n; i++)
                        want[dst + i] = from[src + i];
                    CHECK(m->copy(got + dst, from + src, n) == got + dst);
                    expect_buf(m, "memcpy", got, want, dst, src, n);
                }
    }
}

/* One memmove inside a single buffer, checked against a copy through a
 * separate temporary (what memmove must equal whatever the overlap). */
static void move_case(const mem_impl *m, size_t dst, size_t src, size_t n) {
    uint8_t got[BUF], want[BUF], tmp[BUF];
    fill(got, BUF, 3);
    memcpy(want, got, BUF);
    for (size_t i = 0; i < n; i++)
        tmp[i] = want[src + i];
    for (size_t i = 0; i < n; i++)
        want[dst + i] = tmp[i];
    CHECK(m->move(got + dst, got + src, n) == got + dst);
    expect_buf(m, "memmove", got, want, dst, src, n);
}

TEST(test_memmove_overlap) {
    for (size_t k = 0; k < VB_ARRAY_SIZE(impls); k++) {
        const mem_impl *m = &impls[k];
        for (size_t a = 0; a < 8; a++) {
            size_t base = 8 + a;
            for (size_t li = 0; li < VB_ARRAY_SIZE(lengths); li++) {
                size_t n = lengths[li];
                /* dst < src and dst > src: overlapping by most of the
                 * buffer (1 byte apart), by half, by exactly 1 byte, not at
                 * all (adjacent), and src == dst. */
                size_t gaps[] = {1, 2, 3, n / 2, n > 1 ? n - 1 : 1, n, n + 5};
                for (size_t g = 0; g < VB_ARRAY_SIZE(gaps); g++) {
                    size_t gap = gaps[g] ? gaps[g] : 1;
                    move_case(m, base, base + gap, n);
                    move_case(m, base + gap, base, n);
                }
                move_case(m, base, base, n);
            }
            /* Most of the buffer, one byte apart, both ways. */
            move_case(m, a, a + 1, BUF - 16);
            move_case(m, a + 1, a, BUF - 16);
            /* Zero length: nothing changes, even across the buffer. */
            move_case(m, a, BUF - 8, 0);
            move_case(m, BUF - 8, a, 0);
        }
    }
}

TEST(test_memmove_disjoint) {
    for (size_t k = 0; k < VB_ARRAY_SIZE(impls); k++) {
        const mem_impl *m = &impls[k];
        for (size_t a = 0; a < 8; a++)
            for (size_t li = 0; li < VB_ARRAY_SIZE(lengths); li++) {
                size_t n = lengths[li];
                uint8_t from[BUF], got[BUF], want[BUF];
                fill(from, BUF, 4);
                fill(got, BUF, 5);
                memcpy(want, got, BUF);
                for (size_t i = 0; i < n; i++)
                    want[100 + a + i] = from[3 + i];
                CHECK(m->move(got + 100 + a, from + 3, n) == got + 100 + a);
                expect_buf(m, "memmove (two buffers)", got, want, 100 + a, 3, n);
            }
    }
}

TEST(test_memset) {
    /* Only the low byte of c is stored. */
    static const int values[] = {0, 0xff, 0x5a, 0x1ab, -1, -256, 0x80};
    for (size_t k = 0; k < VB_ARRAY_SIZE(impls); k++) {
        const mem_impl *m = &impls[k];
        for (size_t v = 0; v < VB_ARRAY_SIZE(values); v++)
            for (size_t li = 0; li < VB_ARRAY_SIZE(lengths); li++)
                for (size_t a = 0; a < 8; a++) {
                    size_t n = lengths[li], dst = 32 + a;
                    uint8_t got[BUF], want[BUF];
                    fill(got, BUF, 6);
                    memcpy(want, got, BUF);
                    for (size_t i = 0; i < n; i++)
                        want[dst + i] = (uint8_t)(values[v] & 0xff);
                    CHECK(m->set(got + dst, values[v], n) == got + dst);
                    expect_buf(m, "memset", got, want, dst, 0, n);
                }
    }
}

static int sign(int x) {
    return (x > 0) - (x < 0);
}

TEST(test_memcmp) {
    for (size_t k = 0; k < VB_ARRAY_SIZE(impls); k++) {
        const mem_impl *m = &impls[k];
        for (size_t a = 0; a < 8; a++)
            for (size_t li = 0; li < VB_ARRAY_SIZE(lengths); li++) {
                size_t n = lengths[li];
                uint8_t x[BUF], y[BUF];
                fill(x, BUF, 7);
                memcpy(y + a, x, n);
                /* Equal, whatever follows the compared range. */
                x[n] = 0x00;
                y[a + n] = 0xff;
                CHECK(m->cmp(x, y + a, n) == 0);
                CHECK(m->cmp(y + a, x, n) == 0);
                if (n == 0)
                    continue;
                /* The first difference decides, as unsigned bytes, even
                 * against a later difference the other way. */
                static const uint8_t pairs[][2] = {
                    {0x00, 0x01}, {0x7f, 0x80}, {0x00, 0xff}, {0xfe, 0xff}};
                size_t positions[] = {0, n / 2, n - 1};
                for (size_t p = 0; p < VB_ARRAY_SIZE(pairs); p++)
                    for (size_t q = 0; q < VB_ARRAY_SIZE(positions); q++) {
                        size_t at = positions[q];
                        memcpy(y + a, x, n);
                        x[at] = pairs[p][0];
                        y[a + at] = pairs[p][1];
                        if (at + 1 < n) {
                            x[n - 1] = 0xff;
                            y[a + n - 1] = 0x00;
                        }
                        if (sign(m->cmp(x, y + a, n)) != -1 || sign(m->cmp(y + a, x, n)) != 1) {
                            fprintf(stderr, "%s: %s: memcmp n=%zu align=%zu: %02x vs %02x at %zu\n",
                                    test_current, m->name, n, a, pairs[p][0], pairs[p][1], at);
                            test_failures++;
                        }
                        /* Not compared when n stops before it. */
                        CHECK(m->cmp(x, y + a, at) == 0);
                        fill(x, BUF, 7);
                    }
            }
    }
}

TEST_MAIN(TEST_ENTRY(test_memcpy), TEST_ENTRY(test_memmove_overlap),
          TEST_ENTRY(test_memmove_disjoint), TEST_ENTRY(test_memset), TEST_ENTRY(test_memcmp))
