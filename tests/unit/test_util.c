/* Unit tests of core/lib/util.c, core/lib/error.c, core/lib/source.c and
 * core/lib/guid.c. */
#include "lib/guid.h"
#include "lib/source.h"
#include "test.h"
#include "lib/util.h"

TEST(test_path_join) {
    static const struct {
        const char *base, *name;
        bool allow;
        int err;
        const char *want;
    } cases[] = {
        {"disk.vmdk", "disk-flat.vmdk", false, 0, "disk-flat.vmdk"},
        {"a/b/disk.vmdk", "x.vmdk", false, 0, "a/b/x.vmdk"},
        {"a/b/disk.vmdk", "./sub//x.vmdk", false, 0, "a/b/sub/x.vmdk"},
        {"a\\b\\disk.vmdk", "sub\\x.vmdk", false, 0, "a/b/sub/x.vmdk"},
        {"", "x", false, 0, "x"},
        {"disk.vmdk", "../x.vmdk", false, VB_EPATH, ""},
        {"disk.vmdk", "a/../x.vmdk", false, VB_EPATH, ""},
        {"disk.vmdk", "/etc/passwd", false, VB_EPATH, ""},
        {"disk.vmdk", "\\x", false, VB_EPATH, ""},
        {"disk.vmdk", "C:\\x.vmdk", false, VB_EPATH, ""},
        {"d/disk.vmdk", "../x.vmdk", true, 0, "d/../x.vmdk"},
        {"d/disk.vmdk", "/abs/x.vmdk", true, 0, "/abs/x.vmdk"},
        {"disk.vmdk", ".", false, VB_EPATH, ""},
        {"disk.vmdk", "..x", false, 0, "..x"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        char out[64];
        int r = vb_path_join(out, sizeof(out), cases[i].base, cases[i].name, cases[i].allow);
        CHECK_ERR(r, cases[i].err);
        if (r == 0)
            CHECK_STR(out, cases[i].want);
    }
    char small[8];
    CHECK_ERR(vb_path_join(small, sizeof(small), "abc/d", "efghij", false), VB_ELIMIT);
}

TEST(test_parse_u64) {
    static const struct {
        const char *s;
        unsigned base;
        bool ok;
        uint64_t want;
    } cases[] = {
        {"0", 10, true, 0},
        {"4192256", 10, true, 4192256},
        {"18446744073709551615", 10, true, UINT64_MAX},
        {"18446744073709551616", 10, false, 0},
        {"", 10, false, 0},
        {"-1", 10, false, 0},
        {"12a", 10, false, 0},
        {"fffffffe", 16, true, 0xfffffffe},
        {"0xFFFFFFFF", 16, true, 0xffffffff},
        {"0x", 16, false, 0},
        {"1ffffffffffffffff", 16, false, 0},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        uint64_t v = 12345;
        bool ok = vb_parse_u64(cases[i].s, strlen(cases[i].s), cases[i].base, &v);
        CHECK(ok == cases[i].ok);
        if (ok)
            CHECK_U64(v, cases[i].want);
    }
}

TEST(test_strings) {
    CHECK(vb_strn_ieq("createType", 10, "CREATETYPE"));
    CHECK(!vb_strn_ieq("createType", 6, "CREATETYPE"));
    CHECK(!vb_strn_ieq("create", 6, "creat"));
    CHECK(vb_str_ieq("RDONLY", "rdonly"));
    char buf[4];
    CHECK(vb_strlcpy(buf, "abc", sizeof(buf)));
    CHECK_STR(buf, "abc");
    CHECK(!vb_strlcpy(buf, "abcd", sizeof(buf)));
    CHECK_STR(buf, "");
    CHECK_U64(vb_strnlen("abcdef", 3), 3);
    CHECK(vb_strcmp("a", "b") < 0);
}

TEST(test_format) {
    char buf[64];
    vb_format(buf, sizeof(buf), "gde %u at %llu > %lld [%s] %x %08X %zu %c%%", 12u,
              (unsigned long long)81920, (long long)-5, "x", 0xbeefu, 0xabu, (size_t)7, 'z');
    CHECK_STR(buf, "gde 12 at 81920 > -5 [x] beef 000000AB 7 z%");
    CHECK_U64(vb_format(buf, 5, "%s", "truncated"), 4);
    CHECK_STR(buf, "trun");
    vb_diag d;
    CHECK_ERR(vb_fail(&d, VB_ECORRUPT, "entry %d bad", 3), VB_ECORRUPT);
    CHECK_STR(d.text, "entry 3 bad");
    CHECK_ERR(d.err, VB_ECORRUPT);
    CHECK_ERR(vb_fail(NULL, VB_EIO, "x"), VB_EIO);
}

TEST(test_error_names) {
    CHECK_STR(vb_err_name(VB_OK), "OK");
    CHECK_STR(vb_err_name(VB_ETRUNCATED), "ETRUNCATED");
    CHECK_STR(vb_err_name(-VB_ERR_COUNT), "EUNKNOWN");
    CHECK_STR(vb_err_name(1), "EUNKNOWN");
    CHECK_STR(vb_err_message(VB_ENOACCESS), "extent is NOACCESS");
    for (int e = 0; e > -VB_ERR_COUNT; e--)
        CHECK(vb_err_name(e)[0] == (e ? 'E' : 'O'));
}

TEST(test_sources) {
    static const uint8_t data[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    vb_memsource mem;
    vb_source src, part;
    vb_slice slice;
    uint8_t buf[8];
    vb_memsource_init(&mem, data, sizeof(data), &src);
    CHECK_ERR(vb_source_read(&src, 12, buf, 4), 0);
    CHECK(buf[0] == 12 && buf[3] == 15);
    CHECK_ERR(vb_source_read(&src, 13, buf, 4), VB_ERANGE);
    CHECK_ERR(vb_source_read(&src, UINT64_MAX, buf, 2), VB_ERANGE);
    CHECK_ERR(src.read(src.ctx, 15, buf, 2), VB_ERANGE);
    CHECK_ERR(vb_slice_init(&slice, &src, 4, 8, &part), 0);
    CHECK_U64(part.size, 8);
    CHECK_ERR(vb_source_read(&part, 6, buf, 2), 0);
    CHECK(buf[0] == 10 && buf[1] == 11);
    CHECK_ERR(vb_source_read(&part, 7, buf, 2), VB_ERANGE);
    CHECK_ERR(part.read(part.ctx, 7, buf, 2), VB_ERANGE);
    CHECK_ERR(vb_slice_init(&slice, &src, 10, 8, &part), VB_ERANGE);
    CHECK_ERR(vb_slice_init(&slice, &src, UINT64_MAX, 2, &part), VB_ERANGE);
}

TEST(test_le) {
    static const uint8_t b[8] = {0x4b, 0x44, 0x4d, 0x56, 0x01, 0x02, 0x03, 0x84};
    CHECK_U64(vb_le16(b), 0x444b);
    CHECK_U64(vb_le32(b), 0x564d444b);
    CHECK_U64(vb_le64(b), 0x84030201564d444bull);
    uint8_t o[8];
    vb_put_le64(o, 0x84030201564d444bull);
    CHECK_MEM(o, b, 8);
}

TEST(test_hex_digit) {
    for (int i = 0; i < 16; i++) {
        CHECK_U64(vb_hex_digit("0123456789abcdef"[i]), i);
        CHECK_U64(vb_hex_digit("0123456789ABCDEF"[i]), i);
    }
    static const char bad[] = {'g', 'G', 'x', '/', ':', '@', '`', ' ', '-', '\0', (char)0xC1};
    for (size_t i = 0; i < sizeof(bad); i++)
        CHECK(vb_hex_digit(bad[i]) == -1);
}

TEST(test_guid) {
    /* The ESP type GUID: the first three fields are little-endian on disk. */
    static const uint8_t esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
                                    0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
    vb_guid g;
    CHECK(vb_guid_parse("C12A7328-F81F-11d2-BA4B-00A0C93EC93B", 36, &g));
    CHECK_MEM(g.bytes, esp, 16);
    CHECK(!vb_guid_is_zero(&g));
    char out[VB_GUID_STR_LEN];
    vb_guid_format(&g, out);
    CHECK_STR(out, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
    /* Only the first n characters count: a longer buffer is not a GUID. */
    CHECK(!vb_guid_parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93bX", 37, &g));
    CHECK(vb_guid_parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93bX", 36, &g));
    static const char *const bad[] = {
        "c12a7328-f81f-11d2-ba4b-00a0c93ec93",   /* 35 characters */
        "c12a7328 f81f-11d2-ba4b-00a0c93ec93b",  /* separator */
        "c12a7328-f81f-11d2-ba4b+00a0c93ec93b",  /* separator */
        "c12a7328-f81f-11d2-ba4b-00a0c93ec93g",  /* not hex */
        "-c12a732-f81f-11d2-ba4b-00a0c93ec93b",  /* '-' as a digit */
        "{12a7328-f81f-11d2-ba4b-00a0c93ec93b}", /* braces */
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(bad); i++) {
        memset(&g, 0x5A, sizeof(g));
        CHECK(!vb_guid_parse(bad[i], 36, &g));
        CHECK_U64(g.bytes[0], 0x5A); /* untouched on failure */
    }
    memset(&g, 0, sizeof(g));
    CHECK(vb_guid_is_zero(&g));
    vb_guid_format(&g, out);
    CHECK_STR(out, "00000000-0000-0000-0000-000000000000");
    g.bytes[15] = 1;
    CHECK(!vb_guid_is_zero(&g));
    vb_guid_format(&g, out);
    CHECK_STR(out, "00000000-0000-0000-0000-000000000001");
}

TEST(test_strpool) {
    char pool[8];
    size_t used = 0;
    const char *a = vb_strpool_add(pool, sizeof(pool), &used, "abcX", 3);
    CHECK(a == pool);
    CHECK_STR(a, "abc");
    CHECK_U64(used, 4);
    CHECK(vb_strpool_add(pool, sizeof(pool), &used, "wxyz", 4) == NULL); /* needs 5 of 4 */
    CHECK_U64(used, 4);
    const char *b = vb_strpool_add(pool, sizeof(pool), &used, "xyz", 3); /* exactly full */
    CHECK(b == pool + 4);
    CHECK_STR(b, "xyz");
    CHECK_U64(used, 8);
    CHECK(vb_strpool_add(pool, sizeof(pool), &used, "", 0) == NULL); /* no room for the NUL */
    CHECK_U64(used, 8);
    CHECK_STR(a, "abc");
    size_t broken = 9; /* more used than the pool holds: refused, not wrapped */
    CHECK(vb_strpool_add(pool, sizeof(pool), &broken, "", 0) == NULL);
    CHECK(vb_strpool_add(pool, sizeof(pool), &used, "a", SIZE_MAX) == NULL);
}

TEST(test_next_line) {
    static const struct {
        const char *text;
        const char *want; /* the lines, each followed by '|' */
    } cases[] = {
        {"", ""},
        {"\n", "|"},
        {"a", "a|"},
        {"a\n", "a|"},
        {"a\nb", "a|b|"},
        {"a\n\nb\n", "a||b|"},
        {"a\r\nb\r\n", "a\r|b\r|"},
        {"\n\n", "||"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        char got[32] = "";
        size_t used = 0, pos = 0, n;
        const char *line;
        while (vb_next_line(cases[i].text, strlen(cases[i].text), &pos, &line, &n)) {
            CHECK(used + n + 1 < sizeof(got));
            memcpy(got + used, line, n);
            used += n;
            got[used++] = '|';
            got[used] = '\0';
        }
        CHECK_STR(got, cases[i].want);
        CHECK_U64(pos, strlen(cases[i].text));
    }
    /* Only len counts: a NUL is text, bytes past len are not. */
    size_t pos = 0, n;
    const char *line;
    CHECK(vb_next_line("a\0b\nc", 5, &pos, &line, &n));
    CHECK_U64(n, 3);
    CHECK_MEM(line, "a\0b", 3);
    CHECK(!vb_next_line("a\0b\nc", 4, &pos, &line, &n));
    CHECK_U64(pos, 4);
}

static void test_names(void) {
    static const char *const names[] = {[0] = "zero", [2] = "two"};
    CHECK_STR(vb_name_of(names, 3, 0, "?"), "zero");
    CHECK_STR(vb_name_of(names, 3, 1, "?"), "?"); /* a hole in the table */
    CHECK_STR(vb_name_of(names, 3, 2, "?"), "two");
    CHECK_STR(vb_name_of(names, 3, 3, "?"), "?"); /* past the end */
    CHECK_STR(vb_name_of(names, 3, 0xffffffffu, "none"), "none");
    unsigned v = 99;
    CHECK(vb_name_find(names, 3, "TWO", 3, &v));
    CHECK_U64(v, 2);
    CHECK(vb_name_find(names, 3, "zeroes", 4, &v));
    CHECK_U64(v, 0);
    v = 99;
    CHECK(!vb_name_find(names, 3, "tw", 2, &v));
    CHECK(!vb_name_find(names, 3, "", 0, &v));
    CHECK_U64(v, 99); /* untouched when nothing matches */
}

TEST_MAIN(TEST_ENTRY(test_path_join), TEST_ENTRY(test_parse_u64), TEST_ENTRY(test_strings),
          TEST_ENTRY(test_format), TEST_ENTRY(test_error_names), TEST_ENTRY(test_sources),
          TEST_ENTRY(test_le), TEST_ENTRY(test_hex_digit), TEST_ENTRY(test_guid),
          TEST_ENTRY(test_strpool), TEST_ENTRY(test_next_line), TEST_ENTRY(test_names))
