/* Unit tests of core/lib/utf8.c: decoding and UCS-2 conversion. */
#include "test.h"
#include "lib/utf8.h"
#include "lib/util.h"

TEST(test_utf8_decode) {
    static const struct {
        const char *in;
        size_t n;
        size_t used; /* 0 = invalid */
        uint32_t cp;
    } cases[] = {
        {"A", 1, 1, 0x41},
        {"\xc3\xa9", 2, 2, 0xe9},
        {"\xe2\x82\xac", 3, 3, 0x20ac},
        {"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
        {"\xef\xbf\xbf", 3, 3, 0xffff},
        {"\xc0\x80", 2, 0, 0},         /* overlong NUL */
        {"\xc1\xbf", 2, 0, 0},         /* overlong */
        {"\xe0\x9f\xbf", 3, 0, 0},     /* overlong 3-byte */
        {"\xf0\x8f\xbf\xbf", 4, 0, 0}, /* overlong 4-byte */
        {"\xed\xa0\x80", 3, 0, 0},     /* surrogate D800 */
        {"\xf4\x90\x80\x80", 4, 0, 0}, /* past U+10FFFF */
        {"\xc3", 1, 0, 0},             /* truncated */
        {"\xe2\x82", 2, 0, 0},         /* truncated */
        {"\xc3\x41", 2, 0, 0},         /* bad continuation */
        {"\x80", 1, 0, 0},             /* lone continuation */
        {"\xff", 1, 0, 0},
        {"\xf8\x88\x80\x80\x80", 5, 0, 0},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        uint32_t cp = 0;
        size_t used = utf8_decode(cases[i].in, cases[i].n, &cp);
        CHECK_U64(used, cases[i].used);
        if (used)
            CHECK_U64(cp, cases[i].cp);
    }
    uint32_t cp;
    CHECK_U64(utf8_decode("", 0, &cp), 0);
}

TEST(test_utf8_to_ucs2) {
    uint16_t out[8];
    CHECK_ERR(utf8_to_ucs2(out, 8, "ab\xc3\xa9", 4, true), 3);
    CHECK(out[0] == 'a' && out[1] == 'b' && out[2] == 0xe9 && out[3] == 0);
    /* A NUL byte ends the text. */
    CHECK_ERR(utf8_to_ucs2(out, 8, "a\0b", 3, true), 1);
    CHECK(out[1] == 0);
    /* Strict: invalid bytes and non-BMP code points are refused. */
    CHECK_ERR(utf8_to_ucs2(out, 8, "a\xff", 2, true), VB_EINVAL);
    CHECK(out[0] == 0);
    CHECK_ERR(utf8_to_ucs2(out, 8, "\xf0\x9f\x98\x80", 4, true), VB_EINVAL);
    /* Lenient: each becomes U+FFFD. */
    CHECK_ERR(utf8_to_ucs2(out, 8, "a\xff\xf0\x9f\x98\x80z", 7, false), 4);
    CHECK(out[0] == 'a' && out[1] == 0xfffd && out[2] == 0xfffd && out[3] == 'z' && out[4] == 0);
    /* Room for exactly 7 units plus the NUL, not 8. */
    CHECK_ERR(utf8_to_ucs2(out, 8, "1234567", 7, true), 7);
    CHECK_ERR(utf8_to_ucs2(out, 8, "12345678", 8, true), VB_ELIMIT);
    CHECK(out[0] == 0);
    CHECK_ERR(utf8_to_ucs2(out, 0, "", 0, true), VB_ELIMIT);
    CHECK_ERR(utf8_to_ucs2(out, 1, "", 0, true), 0);
}

TEST_MAIN(TEST_ENTRY(test_utf8_decode), TEST_ENTRY(test_utf8_to_ucs2))
