/* Unit tests of core/discover: the BLS Type #1 parser (exact diagnostics),
 * the UAPI version comparison and systemd-boot's order, os-release values,
 * the PE section finder on hand-made headers (every truncation), the
 * images folder rules, and discover_disk on real disks that
 * mkimages-discover.sh builds with sgdisk, mkfs.fat, mtools and mke2fs. */
#include <stdlib.h>
#include "discover/bls.h"
#include "discover/discover.h"
#include "discover/images.h"
#include "discover/osrel.h"
#include "discover/pe.h"
#include "host_source.h"
#include "image_files.h"
#include "lib/source.h"
#include "lib/util.h"
#include "test.h"

static bls_entry bls;
static vb_diag diag;

static int parse_bls(const char *text) {
    vb_diag_clear(&diag);
    return bls_parse(&bls, text, strlen(text), "x64", &diag);
}

TEST(test_bls_parse) {
    CHECK_ERR(parse_bls("# comment\n"
                        "title   Fedora Linux 40  \r\n"
                        "version 6.8.5-301.fc40.x86_64\n"
                        "sort-key fedora\n"
                        "  linux   /vmlinuz-6.8\n"
                        "initrd  /initrd-a.img\n"
                        "initrd  /initrd-b.img\n"
                        "options root=UUID=1 ro\n"
                        "colour  blue\n"
                        "options\tquiet   splash\n"
                        "architecture X64\n"),
              0);
    CHECK_STR(bls.title, "Fedora Linux 40");
    CHECK_STR(bls.version, "6.8.5-301.fc40.x86_64");
    CHECK_STR(bls.sort_key, "fedora");
    CHECK_STR(bls.linux_path, "/vmlinuz-6.8");
    CHECK_U64(bls.initrd_count, 2);
    CHECK_STR(bls.initrds[1], "/initrd-b.img");
    CHECK_STR(bls.options, "root=UUID=1 ro quiet   splash");
    CHECK(bls.efi == NULL);

    CHECK_ERR(parse_bls("efi /EFI/tool.efi\noptions a\n"), 0);
    CHECK_STR(bls.efi, "/EFI/tool.efi");
    CHECK(bls.linux_path == NULL && bls.title == NULL);
    CHECK_STR(bls.options, "a");
    CHECK_ERR(parse_bls("linux /k\n"), 0);
    CHECK_STR(bls.options, "");

    static const struct {
        const char *text;
        int err;
        const char *detail;
    } bad[] = {
        {"title x\n", VB_ECORRUPT, "has neither 'linux' nor 'efi'"},
        {"linux\nefi\n", VB_ECORRUPT, "has neither 'linux' nor 'efi'"},
        {"linux /k\narchitecture aa64\n", VB_ENOTFOUND, "for architecture 'aa64', not x64"},
        {"linux /k\ninitrd 1\ninitrd 2\ninitrd 3\ninitrd 4\ninitrd 5\ninitrd 6\ninitrd 7\n"
         "initrd 8\ninitrd 9\n",
         VB_ELIMIT, "more than 8 initrd lines"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(bad); i++) {
        CHECK_ERR(parse_bls(bad[i].text), bad[i].err);
        CHECK_STR(diag.text, bad[i].detail);
    }
    static const char nul[] = "title a\nlinux /k\0x\n";
    vb_diag_clear(&diag);
    CHECK_ERR(bls_parse(&bls, nul, sizeof(nul) - 1, "x64", &diag), VB_ECORRUPT);
    CHECK_STR(diag.text, "line 2 contains a NUL byte");
    /* The largest file, then one byte more. */
    static char big[VB_DISCOVER_FILE_MAX + 2];
    memset(big, '#', sizeof(big));
    memcpy(big, "linux /k\n", 9);
    vb_diag_clear(&diag);
    CHECK_ERR(bls_parse(&bls, big, VB_DISCOVER_FILE_MAX, "x64", &diag), 0);
    CHECK_ERR(bls_parse(&bls, big, VB_DISCOVER_FILE_MAX + 1, "x64", &diag), VB_ELIMIT);
    CHECK_STR(diag.text, "larger than 8192 bytes");
    /* A file of nothing but options lines still fits its buffers. */
    size_t n = 0;
    memcpy(big, "linux /k\n", 9), n = 9;
    while (n + 10 < VB_DISCOVER_FILE_MAX)
        memcpy(big + n, "options x\n", 10), n += 10;
    CHECK_ERR(bls_parse(&bls, big, n, "x64", &diag), 0);
    CHECK_U64(strlen(bls.options), (n - 9) / 10 * 2 - 1);
}

TEST(test_bls_version_compare) {
    static const struct {
        const char *a, *b;
        int want; /* sign */
    } cases[] = {
        {"11", "11", 0},
        {"systemd-123", "systemd-123", 0},
        {"bar-123", "foo-123", -1},
        {"123a", "123", 1},
        {"123.a", "123", 1},
        {"123.a", "123.b", -1},
        {"123a", "123.a", 1},
        {"11α", "11β", 0},
        {"A", "a", -1},
        {"", "0", -1},
        {"0.", "0", 1},
        {"0.0", "0", 1},
        {"~", "", -1},
        {"0", "~", 1},
        {"1_", "1", 0},
        {"_1", "1", 0},
        {"1_", "1.2", -1},
        {"1_2_3", "1.3.3", 1},
        {"1+", "1", 0},
        {"1+2+3", "1.3.3", 1},
        {"6.10", "6.9", 1},
        {"007", "7", 0},
        {"1~rc1", "1", -1},
        {"1^git", "1", 1},
        {"1-2", "1.2", -1},
        {"99999999999999999999999", "99999999999999999999998", 1},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        int got = bls_version_compare(cases[i].a, cases[i].b);
        int back = bls_version_compare(cases[i].b, cases[i].a);
        test_current = cases[i].a;
        CHECK_U64((got > 0) - (got < 0) + 1, cases[i].want + 1);
        CHECK_U64((back > 0) - (back < 0) + 1, -cases[i].want + 1);
    }
    test_current = "test_bls_version_compare";
    /* systemd-boot's order: sort-key first, then newest version, then name. */
    CHECK(bls_order("a", NULL, "z", NULL, "9", "a") < 0);
    CHECK(bls_order("a", NULL, "z", "b", NULL, "a") < 0);
    CHECK(bls_order(NULL, "6.10", "x", NULL, "6.9", "y") > 0); /* versions need sort-keys */
    CHECK(bls_order("k", "6.1", "x", "k", "6.2", "y") > 0);
    CHECK(bls_order(NULL, NULL, "fedora-6.2", NULL, NULL, "fedora-6.10") > 0);
    CHECK(bls_order(NULL, "1", "a", NULL, "1", "a") == 0);
}

TEST(test_osrel) {
    static const char text[] = "NAME=Debian\n"
                               "# PRETTY_NAME=\"commented\"\n"
                               "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                               "VERSION_ID='12'\n"
                               "ESC=\"a \\\"q\\\" \\$x \\\\ \\n\"\n"
                               "BARE=a\\ b\n"
                               "EMPTY=\n"
                               "CTRL=\"x\ty\"\n"
                               "ID=first\n"
                               "ID=last\n"
                               " NAMEX=no\n";
    char out[64];
    CHECK(osrel_get(text, sizeof(text) - 1, "PRETTY_NAME", out, sizeof(out)));
    CHECK_STR(out, "Debian GNU/Linux 12 (bookworm)");
    CHECK(osrel_get(text, sizeof(text) - 1, "VERSION_ID", out, sizeof(out)));
    CHECK_STR(out, "12");
    CHECK(osrel_get(text, sizeof(text) - 1, "ESC", out, sizeof(out)));
    CHECK_STR(out, "a \"q\" $x \\ \\n");
    CHECK(osrel_get(text, sizeof(text) - 1, "BARE", out, sizeof(out)));
    CHECK_STR(out, "a b");
    CHECK(osrel_get(text, sizeof(text) - 1, "CTRL", out, sizeof(out)));
    CHECK_STR(out, "x?y");
    CHECK(osrel_get(text, sizeof(text) - 1, "ID", out, sizeof(out)));
    CHECK_STR(out, "last");
    CHECK(!osrel_get(text, sizeof(text) - 1, "EMPTY", out, sizeof(out)));
    CHECK(!osrel_get(text, sizeof(text) - 1, "NAMEX", out, sizeof(out)) || strcmp(out, "no") == 0);
    CHECK(!osrel_get(text, sizeof(text) - 1, "MISSING", out, sizeof(out)));
    CHECK_STR(out, "");
    CHECK(osrel_get(text, sizeof(text) - 1, "PRETTY_NAME", out, 7));
    CHECK_STR(out, "Debian");
}

/* A minimal PE32+: DOS header, "PE\0\0", COFF, a 0xF0-byte optional header
 * and two sections (.text, .osrel) whose bytes follow the table. */
static size_t make_pe(uint8_t *pe, size_t cap) {
    memset(pe, 0, cap);
    pe[0] = 'M', pe[1] = 'Z';
    vb_put_le32(pe + 0x3c, 0x80);
    memcpy(pe + 0x80, "PE\0\0", 4);
    pe[0x84] = 0x64, pe[0x85] = 0x86; /* machine x64 */
    pe[0x86] = 2;                     /* sections */
    pe[0x94] = 0xF0;                  /* SizeOfOptionalHeader */
    pe[0x98] = 0x0b, pe[0x99] = 0x02; /* PE32+ */
    uint8_t *sec = pe + 0x98 + 0xF0;
    memcpy(sec, ".text", 5);
    vb_put_le32(sec + 8, 16), vb_put_le32(sec + 16, 16), vb_put_le32(sec + 20, 0x200);
    memcpy(sec + 40, ".osrel", 6);
    vb_put_le32(sec + 48, 11), vb_put_le32(sec + 56, 32), vb_put_le32(sec + 60, 0x210);
    memcpy(pe + 0x210, "ID=debian\n\0", 11);
    return 0x230;
}

TEST(test_pe_find_section) {
    static uint8_t pe[0x300];
    size_t size = make_pe(pe, sizeof(pe));
    vb_memsource mem;
    vb_source src;
    pe_section sec;
    vb_memsource_init(&mem, pe, size, &src);
    CHECK_ERR(pe_find_section(&src, ".osrel", &sec, &diag), 0);
    CHECK_U64(sec.machine, PE_MACHINE_X64);
    CHECK_U64(sec.offset, 0x210);
    CHECK_U64(sec.size, 11); /* VirtualSize, under SizeOfRawData */
    CHECK_ERR(pe_find_section(&src, ".linux", &sec, &diag), VB_ENOTFOUND);
    CHECK_STR(diag.text, "no .linux section");

    static const struct {
        size_t size;      /* file cut to this many bytes */
        size_t at;        /* then this byte... */
        uint8_t value;    /* ...set to this (at 0: nothing) */
        uint32_t le32_at; /* or this 32-bit field... */
        uint32_t le32;    /* ...set to this */
        int err;
        const char *detail;
    } cases[] = {
        {40, 0, 0, 0, 0, VB_ETRUNCATED, "40 bytes: shorter than a DOS header"},
        {0x230, 1, 'X', 0, 0, VB_EFORMAT, "no MZ signature: not a PE file"},
        {0x90, 0, 0, 0, 0, VB_ETRUNCATED, "PE header at 128 is past the end (144 bytes)"},
        {0x230, 0, 0, 0x3c, 0xFFFFFFF0u, VB_ETRUNCATED,
         "PE header at 4294967280 is past the end (560 bytes)"},
        {0x230, 0x80, 'N', 0, 0, VB_EFORMAT, "no PE signature at 128"},
        {0x230, 0x98, 0x07, 0, 0, VB_EFORMAT, "optional header magic 0x207 is not PE32 or PE32+"},
        {0x230, 0x86, 97, 0, 0, VB_ELIMIT, "97 sections, more than 96"},
        {0x1b0, 0, 0, 0, 0, VB_ETRUNCATED, "section table (2 sections at 392) is past the end"},
        {0x230, 0, 0, 0x98 + 0xF0 + 40 + 20, 0x228, VB_ECORRUPT,
         "section .osrel (11 bytes at 552) is past the end"},
        {0x230, 0, 0, 0x98 + 0xF0 + 40 + 8, 0, VB_ECORRUPT,
         "section .osrel (32 bytes at 528) is past the end"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        make_pe(pe, sizeof(pe));
        if (cases[i].at)
            pe[cases[i].at] = cases[i].value;
        if (cases[i].le32_at)
            vb_put_le32(pe + cases[i].le32_at, cases[i].le32);
        if (i == 9) /* VirtualSize 0: SizeOfRawData (32) counts, and 0x210 + 32 > 0x228 */
            size = 0x228;
        else
            size = cases[i].size;
        vb_memsource_init(&mem, pe, size, &src);
        vb_diag_clear(&diag);
        test_current = cases[i].detail;
        CHECK_ERR(pe_find_section(&src, ".osrel", &sec, &diag), cases[i].err);
        CHECK_STR(diag.text, cases[i].detail);
    }
    test_current = "test_pe_find_section";
}

TEST(test_images_rules) {
    static images_list list;
    static const char *const names[] = {
        "z.vmdk",    "a.VMDK", "disk-s001.vmdk", "disk-f002.vmdk", "disk-flat.vmdk",
        "notes.txt", ".vmdk",  "disk.vmdk",      "x-s.vmdk",       "x-sABC.vmdk"};
    memset(&list, 0, sizeof(list));
    for (size_t i = 0; i < VB_ARRAY_SIZE(names); i++)
        images_add(&list, names[i]);
    CHECK_U64(list.count, 8);
    static const char *const sorted[] = {"a.VMDK",         "disk-f002.vmdk", "disk-flat.vmdk",
                                         "disk-s001.vmdk", "disk.vmdk",      "x-s.vmdk",
                                         "x-sABC.vmdk",    "z.vmdk"};
    static const bool secondary[] = {false, true, true, true, false, false, false, false};
    for (size_t i = 0; i < VB_ARRAY_SIZE(sorted) && i < list.count; i++) {
        CHECK_STR(list.names[i], sorted[i]);
        CHECK_U64(list.secondary[i], secondary[i]);
    }
    CHECK(images_name_is_extent("a-s999.vmdk") && images_name_is_extent("a-F1.VMDK"));
    CHECK(!images_name_is_extent("a-999.vmdk") && !images_name_is_extent("-s1.vmdk"));
    /* Full: the rest is counted. */
    memset(&list, 0, sizeof(list));
    char name[32];
    for (int i = 0; i < VB_IMAGES_MAX + 3; i++) {
        snprintf(name, sizeof(name), "img%03d.vmdk", VB_IMAGES_MAX + 3 - i);
        images_add(&list, name);
    }
    CHECK_U64(list.count, VB_IMAGES_MAX);
    CHECK_U64(list.dropped, 3);
    CHECK(strcmp(list.names[0], list.names[1]) < 0);
}

/* discover_disk over the images mkimages-discover.sh made. */
static discover_ctx ctx;
static discover_result found;

static void discover_file(const char *name) {
    vb_source src;
    memset(&found, 0, sizeof(found));
    CHECK_ERR(host_source_open(DISCOVER_IMAGE(name), &src), 0);
    if (src.ctx) {
        CHECK_ERR(discover_disk(&ctx, &src, name, &found), 0);
        host_source_close(&src);
    }
}

static const discover_entry *entry(uint32_t i) {
    static const discover_entry none = {.id = "-", .title = "-", .options = ""};
    return i < found.count ? &found.entries[i] : &none;
}

/* An entry discover_disk must list: the id always; title, partition and
 * options when set; path (linux_path or efi_path, by kind) set means kind
 * and path are checked, and for a kernel the one initrd (NULL: none). */
typedef struct want_entry {
    const char *id, *title;
    discover_kind kind;
    const char *path;
    uint32_t partition;
    const char *initrd, *options;
} want_entry;

/* What gpt.img holds for this machine: BLS entries with another
 * `architecture`, UKIs and fallback loaders for another machine are skipped
 * (the image's test entries and UKI are x64; its "arm" entry is aa64). */
static const want_entry gpt_entries[] = {
    {"gpt.img/b-sorted", "Sorted first (gpt.img)", DISCOVER_KERNEL, "/vmlinuz", 1, "/initrd.img",
     "console=ttyS0 quiet"},
#if !defined(__aarch64__)
    {"gpt.img/uki/linux.efi", "Test UKI 42 (gpt.img)", DISCOVER_EFI, "/EFI/Linux/linux.efi"},
#endif
    {"gpt.img/ver-6.10"},
    {"gpt.img/ver-6.9"},
    {"gpt.img/plain", "plain (gpt.img)"},
#if defined(__aarch64__)
    {"gpt.img/arm"},
#endif
    /* The ext4 root's own BLS entry: /boot/loader/entries, paths under /boot. */
    {"gpt.img/debian", "Test OS 1.0 (gpt.img)", DISCOVER_KERNEL, "/boot/vmlinuz", 2, NULL,
     "root=PARTUUID=3f8c2e56-2b1a-4c7d-9e0f-a1b2c3d4e5f6 ro"},
#if !defined(__aarch64__)
    {"gpt.img/efi", "EFI\\BOOT\\BOOTX64.EFI (gpt.img)", DISCOVER_EFI, "/EFI/BOOT/BOOTX64.EFI"},
#endif
};

/* The same on both machines: the x64 UKI is not a usable UKI on aa64
 * either way; the broken one is reported as on x64. */
static const char *const gpt_problems[] = {
    "gpt.img: partition 1: /loader/entries/broken.conf: has neither 'linux' nor 'efi'",
    "gpt.img: partition 1: /loader/entries/missing.conf: linux /no-such-kernel not found",
    "gpt.img: partition 1: /EFI/Linux/short.efi: not a usable UKI: PE header at 128 is past "
    "the end (100 bytes)",
};

static void check_entry(const discover_entry *e, const want_entry *w) {
    CHECK_STR(e->id, w->id);
    if (w->title)
        CHECK_STR(e->title, w->title);
    if (w->partition)
        CHECK_U64(e->partition, w->partition);
    if (w->options)
        CHECK_STR(e->options, w->options);
    if (!w->path)
        return;
    CHECK_U64(e->kind, w->kind);
    if (w->kind == DISCOVER_EFI) {
        CHECK_STR(e->efi_path ? e->efi_path : "(null)", w->path);
        return;
    }
    CHECK_STR(e->linux_path ? e->linux_path : "(null)", w->path);
    CHECK_U64(e->initrd_count, w->initrd ? 1 : 0);
    if (w->initrd && e->initrd_count)
        CHECK_STR(e->initrds[0], w->initrd);
}

TEST(test_discover_gpt) {
    discover_file("gpt.img");
    CHECK_U64(found.count, VB_ARRAY_SIZE(gpt_entries));
    for (uint32_t i = 0; i < VB_ARRAY_SIZE(gpt_entries); i++)
        check_entry(entry(i), &gpt_entries[i]);
    CHECK_U64(found.problem_count, VB_ARRAY_SIZE(gpt_problems));
    for (uint32_t i = 0; i < VB_ARRAY_SIZE(gpt_problems) && i < found.problem_count; i++)
        CHECK_STR(found.problems[i], gpt_problems[i]);
}

/* Without sort-keys, by file name, newest (greatest) first; the root's
 * entry is looked up under /boot on a filesystem that is not an ESP. */
static const want_entry mbr_entries[] = {
    {"mbr.img/root-entry", NULL, DISCOVER_KERNEL, "/boot/vmlinuz-x", 2, "/boot/initrd-x",
     "root=/dev/sda2"},
    {"mbr.img/esp-entry", NULL, DISCOVER_KERNEL, "/k", 1},
};

TEST(test_discover_mbr_and_root_bls) {
    discover_file("mbr.img");
    CHECK_U64(found.count, VB_ARRAY_SIZE(mbr_entries));
    for (uint32_t i = 0; i < VB_ARRAY_SIZE(mbr_entries); i++)
        check_entry(entry(i), &mbr_entries[i]);
    CHECK_U64(found.problem_count, 0);
    /* No partition table, no filesystem: nothing, no problem. */
    discover_file("empty.img");
    CHECK_U64(found.count, 0);
    CHECK_U64(found.problem_count, 0);
}

TEST_MAIN(TEST_ENTRY(test_bls_parse), TEST_ENTRY(test_bls_version_compare), TEST_ENTRY(test_osrel),
          TEST_ENTRY(test_pe_find_section), TEST_ENTRY(test_images_rules),
          TEST_ENTRY(test_discover_gpt), TEST_ENTRY(test_discover_mbr_and_root_bls))
