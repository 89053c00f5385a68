/* Unit tests of core/lib/crc32.c: known vectors, and zlib's crc32 on random
 * buffers of every length and alignment up to a few KiB. */
#include <zlib.h>
#include "lib/crc32.h"
#include "test.h"
#include "lib/util.h"

TEST(test_crc32_vectors) {
    static const struct {
        const char *text;
        uint32_t want;
    } cases[] = {
        {"", 0x00000000},
        {"a", 0xE8B7BE43},
        {"abc", 0x352441C2},
        {"123456789", 0xCBF43926},
        {"The quick brown fox jumps over the lazy dog", 0x414FA339},
        {"message digest", 0x20159D7F},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++)
        CHECK_U64(crc32_compute(cases[i].text, strlen(cases[i].text)), cases[i].want);
    static const uint8_t zeros[32];
    CHECK_U64(crc32_compute(zeros, 32), 0x190A55AD);
    uint8_t ones[32];
    memset(ones, 0xff, sizeof(ones));
    CHECK_U64(crc32_compute(ones, 32), 0xFF6CAB0B);
}

/* xorshift64: deterministic pseudo-random bytes. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint8_t rng_byte(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint8_t)(rng_state >> 32);
}

TEST(test_crc32_vs_zlib) {
    static uint8_t buf[8192 + 16];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = rng_byte();
    /* Every length 0..600 at every alignment 0..7, then some large ones. */
    for (size_t align = 0; align < 8; align++)
        for (size_t len = 0; len <= 600; len++)
            CHECK_U64(crc32_compute(buf + align, len), crc32(0, buf + align, (uInt)len));
    static const size_t big[] = {4095, 4096, 4097, 8192};
    for (size_t i = 0; i < VB_ARRAY_SIZE(big); i++)
        CHECK_U64(crc32_compute(buf + 3, big[i]), crc32(0, buf + 3, (uInt)big[i]));
}

TEST(test_crc32_incremental) {
    static uint8_t buf[5000];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = rng_byte();
    uint32_t whole = crc32_compute(buf, sizeof(buf));
    /* Any split into pieces gives the same CRC as one call. */
    static const size_t splits[] = {1, 7, 8, 9, 63, 512, 4999};
    for (size_t s = 0; s < VB_ARRAY_SIZE(splits); s++) {
        uint32_t crc = 0;
        for (size_t off = 0; off < sizeof(buf); off += splits[s]) {
            size_t n = VB_MIN(splits[s], sizeof(buf) - off);
            crc = crc32_update(crc, buf + off, n);
        }
        CHECK_U64(crc, whole);
    }
    CHECK_U64(crc32_update(crc32_compute("1234", 4), "56789", 5), 0xCBF43926);
}

TEST_MAIN(TEST_ENTRY(test_crc32_vectors), TEST_ENTRY(test_crc32_vs_zlib),
          TEST_ENTRY(test_crc32_incremental))
