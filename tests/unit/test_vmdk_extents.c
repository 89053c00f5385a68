/* Unit tests of multi-extent disks: FLAT/VMFS/VMFSRDM/VMFSRAW with
 * offsets, ZERO, RDONLY, NOACCESS, split sparse extents, path rules, every
 * createType, a 1000-extent disk, probing, and open failures. */
#include "test.h"
#include "lib/util.h"
#include "memdir_sparse.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

/* A flat file of n sectors of pattern seed. */
static void add_flat(memdir *d, const char *name, uint64_t sectors, uint64_t seed) {
    uint8_t *buf = malloc(sectors * 512 + 1);
    pattern_fill(buf, sectors * 512, seed, 0);
    memdir_add(d, name, buf, sectors * 512);
    free(buf);
}

/* A custom descriptor mixing every flat-type extent, offsets and ZERO. */
TEST(test_custom_mix) {
    memdir d;
    memdir_init(&d);
    add_flat(&d, "a.img", 100, 1);
    add_flat(&d, "sub/b.img", 50, 2);
    add_flat(&d, "c.img", 30, 3);
    memdir_add_text(&d, "disk.vmdk",
                    "# Disk DescriptorFile\r\n"
                    "version=1\r\n"
                    "CID=00000001\r\n"
                    "parentCID=ffffffff\r\n"
                    "createType=custom\r\n"
                    "RW 40 FLAT \"a.img\" 60\r\n"      /* a sectors 60..99 */
                    "RW 16 ZERO\r\n"                   /* zeros */
                    "RDONLY 50 VMFS \"sub/b.img\"\r\n" /* b sectors 0..49 */
                    "RW 10 VMFSRDM \"c.img\" 20\r\n"   /* c sectors 20..29 */
                    "RW 5 VMFSRAW \"c.img\" 0\r\n");   /* c sectors 0..4 */
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "disk.vmdk", NULL), 0);
    uint64_t total = 40 + 16 + 50 + 10 + 5;
    CHECK_U64(vmdk_capacity(td.disk), total * 512);
    CHECK_U64(td.disk->links[0].extent_count, 5);
    CHECK_U64(td.disk->extents[2].start, 56);
    CHECK(td.disk->extents[2].access == VMDK_ACCESS_RDONLY);
    CHECK_STR(td.disk->extents[2].path, "sub/b.img");
    uint8_t *want = calloc(total, 512);
    pattern_fill(want, 40 * 512, 1, 60 * 512);
    pattern_fill(want + 56 * 512, 50 * 512, 2, 0);
    pattern_fill(want + 106 * 512, 10 * 512, 3, 20 * 512);
    pattern_fill(want + 116 * 512, 5 * 512, 3, 0);
    CHECK(td_read_equals(&td, 0, want, total * 512));
    for (uint64_t off = 0; off < total * 512; off += 1000)
        CHECK(td_read_equals(&td, off, want + off, VB_MIN(777, total * 512 - off)));
    /* map: one run per extent. */
    static const struct {
        uint64_t off, len;
        vmdk_run_kind kind;
        unsigned extent;
        uint64_t file_offset;
    } runs[] = {
        {0, 40 * 512, VMDK_RUN_DATA, 0, 60 * 512},
        {40 * 512, 16 * 512, VMDK_RUN_ZERO, 1, 0},
        {56 * 512, 50 * 512, VMDK_RUN_DATA, 2, 0},
        {106 * 512, 10 * 512, VMDK_RUN_DATA, 3, 20 * 512},
        {116 * 512, 5 * 512, VMDK_RUN_DATA, 4, 0},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(runs); i++) {
        vmdk_run run;
        CHECK_ERR(vmdk_map(td.disk, runs[i].off, &run), 0);
        CHECK_U64(run.offset, runs[i].off);
        CHECK_U64(run.length, runs[i].len);
        CHECK(run.kind == runs[i].kind);
        CHECK_U64(run.extent, runs[i].extent);
        CHECK_U64(run.link, 0);
        CHECK_U64(run.file_offset, runs[i].file_offset);
    }
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, total * 512, &run), VB_ERANGE);
    td_close(&td);
    CHECK_U64(d.opens, 4);
    CHECK_U64(d.closes, 4);
    free(want);
    memdir_free(&d);
}

TEST(test_noaccess) {
    memdir d;
    memdir_init(&d);
    add_flat(&d, "a.img", 8, 1);
    memdir_add_text(&d, "n.vmdk",
                    "createType=\"custom\"\n"
                    "RW 8 FLAT \"a.img\"\n"
                    "NOACCESS 8 FLAT \"missing.img\"\n");
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "n.vmdk", NULL), 0); /* the NOACCESS file is never opened */
    uint8_t buf[16 * 512];
    CHECK_ERR(vmdk_read(td.disk, 0, buf, 8 * 512), 0);
    CHECK_ERR(vmdk_read(td.disk, 8 * 512 - 1, buf, 2), VB_ENOACCESS);
    CHECK_STR(vmdk_detail(td.disk),
              "n.vmdk: read of byte 4096 hits NOACCESS extent 1 (\"missing.img\")");
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, 8 * 512, &run), 0);
    CHECK(run.kind == VMDK_RUN_NOACCESS);
    CHECK_U64(run.length, 8 * 512);
    td_close(&td);
    memdir_free(&d);
}

/* Open failures of descriptors and their extents. */
TEST(test_open_errors) {
    static const struct {
        const char *desc;
        int err;
        const char *detail;
        bool allow_escape;
    } cases[] = {
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"nothere.img\"\n", VB_ENOTFOUND,
         "d/x.vmdk: cannot open extent \"d/nothere.img\": not found"},
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"../a.img\"\n", VB_EPATH,
         "d/x.vmdk: extent \"../a.img\" is absolute or contains \"..\" (not allowed)"},
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"/etc/a.img\"\n", VB_EPATH,
         "d/x.vmdk: extent \"/etc/a.img\" is absolute or contains \"..\" (not allowed)"},
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"../a.img\"\n", 0, "", true},
        {"createType=\"monolithicFlat\"\nRW 9 FLAT \"a.img\"\n", VB_ETRUNCATED,
         "d/a.img: flat extent needs bytes 0..4608 but the file has 4096 bytes"},
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"a.img\" 1\n", VB_ETRUNCATED,
         "d/a.img: flat extent needs bytes 512..4608 but the file has 4096 bytes"},
        {"createType=\"monolithicFlat\"\nRW 8 FLAT \"a.img\" 36028797018963968\n", VB_ECORRUPT,
         "d/a.img: flat extent offset 36028797018963968 + size 8 sectors overflows"},
        {"createType=\"custom\"\nRW 18446744073709551615 ZERO\nRW 1 ZERO\n", VB_ECORRUPT,
         "d/x.vmdk: extent sizes add up to more than 2^64 bytes"},
        {"createType=\"custom\"\nRW 36028797018963968 ZERO\n", VB_ECORRUPT,
         "d/x.vmdk: extent sizes add up to more than 2^64 bytes"},
        {"createType=\"twoGbMaxExtentSparse\"\nRW 8 SPARSE \"a.img\"\n", VB_EFORMAT,
         "d/a.img: not a sparse extent (magic 14 b3 22 7b, want KDMV or COWD)"},
        {"createType=\"twoGbMaxExtentSparse\"\nRW 8 SPARSE \"tiny.img\"\n", VB_ETRUNCATED,
         "d/tiny.img: file is 100 bytes, too small for a sparse extent header"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        memdir d;
        memdir_init(&d);
        add_flat(&d, "d/a.img", 8, 1);
        add_flat(&d, "d/../a.img", 8, 1); /* the opener gets the joined name */
        static const uint8_t tiny[100] = "KDMV";
        memdir_add(&d, "d/tiny.img", tiny, sizeof(tiny));
        memdir_add_text(&d, "d/x.vmdk", cases[i].desc);
        vmdk_open_options opt = {cases[i].allow_escape, false};
        test_disk td;
        int r = td_open(&td, &d, "d/x.vmdk", &opt);
        CHECK_ERR(r, cases[i].err);
        CHECK_STR(vmdk_detail(td.disk), cases[i].detail);
        td_close(&td);
        CHECK_U64(d.opens, d.closes);
        memdir_free(&d);
    }
}

/* Every createType the reader must accept, with a matching extent. */
TEST(test_create_types) {
    static const char *const types[] = {"monolithicSparse",
                                        "monolithicFlat",
                                        "twoGbMaxExtentSparse",
                                        "twoGbMaxExtentFlat",
                                        "2GbMaxExtentSparse",
                                        "2GbMaxExtentFlat",
                                        "vmfs",
                                        "vmfsSparse",
                                        "custom",
                                        "streamOptimized",
                                        "vmfsThin",
                                        "vmfsPreallocated"};
    for (size_t i = 0; i < VB_ARRAY_SIZE(types); i++) {
        memdir d;
        memdir_init(&d);
        add_flat(&d, "a.img", 8, 1);
        bool sparse = strstr(types[i], "parse") || strstr(types[i], "stream");
        if (sparse) {
            sparse_spec spec = {IMG_KDMV, 8, 8, 512, 1, 0, false, NULL, 0};
            sparse_builder b;
            sb_init(&b, &spec);
            sb_put_pattern(&b, 0, 1, NULL);
            memdir_sparse_add(&d, "s.img", &b);
        }
        memdir_add_text(&d, "t.vmdk",
                        td_text("createType=\"%s\"\nRW 8 %s \"%s\"\n", types[i],
                                sparse ? "SPARSE" : "FLAT", sparse ? "s.img" : "a.img"));
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "t.vmdk", NULL), 0);
        CHECK_STR(td.disk->links[0].create_type, types[i]);
        uint8_t want[4096];
        pattern_fill(want, sizeof(want), 1, 0);
        CHECK(td_read_equals(&td, 0, want, sizeof(want)));
        td_close(&td);
        memdir_free(&d);
    }
}

/* A split sparse disk: three sparse extents with data across the extent
 * boundaries, read and mapped as one disk. */
TEST(test_split_sparse) {
    memdir d;
    memdir_init(&d);
    const uint64_t ext_sectors[3] = {256, 256, 100};
    uint8_t *want = calloc(612, 512);
    uint64_t base = 0;
    for (int e = 0; e < 3; e++) {
        sparse_spec spec = {IMG_KDMV, ext_sectors[e], 16, 512, 1, VMDK_FLAG_NEWLINE_CHECK,
                            false,    NULL,           0};
        sparse_builder b;
        sb_init(&b, &spec);
        uint8_t g[16 * 512];
        for (uint64_t gi = 0; gi * 16 < ext_sectors[e]; gi++) {
            if ((gi + e) % 3 == 0)
                continue; /* a hole */
            pattern_fill(g, sizeof(g), 5, (base + gi * 16) * 512);
            sb_put(&b, gi, g);
            memcpy(want + (base + gi * 16) * 512, g,
                   VB_MIN(sizeof(g), (ext_sectors[e] - gi * 16) * 512));
        }
        char name[32];
        snprintf(name, sizeof(name), "s-s00%d.vmdk", e + 1);
        memdir_sparse_add(&d, name, &b);
        base += ext_sectors[e];
    }
    memdir_add_text(&d, "s.vmdk",
                    "# Disk DescriptorFile\nversion=1\nCID=fffffffe\n"
                    "parentCID=ffffffff\ncreateType=\"2GbMaxExtentSparse\"\n"
                    "RW 256 SPARSE \"s-s001.vmdk\"\nRW 256 SPARSE \"s-s002.vmdk\"\n"
                    "RW 100 SPARSE \"s-s003.vmdk\"\n");
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", NULL), 0);
    CHECK(td_read_equals(&td, 0, want, 612 * 512));
    CHECK(td_read_equals(&td, 250 * 512 + 7, want + 250 * 512 + 7, 20 * 512));
    /* Map: runs never cross an extent boundary and say which extent. */
    uint64_t off = 0, data = 0;
    while (off < 612 * 512) {
        vmdk_run run;
        CHECK_ERR(vmdk_map(td.disk, off, &run), 0);
        CHECK_U64(run.offset, off);
        unsigned e = off < 256 * 512 ? 0 : off < 512 * 512 ? 1 : 2;
        CHECK_U64(run.extent, e);
        uint64_t ext_end = (e == 0 ? 256 : e == 1 ? 512 : 612) * 512;
        CHECK(run.offset + run.length <= ext_end);
        if (run.kind == VMDK_RUN_DATA)
            data += run.length;
        off += run.length;
    }
    /* Stored grains: extent 0 has 10 of 16, extent 1 11 of 16, extent 2 5 of 7
     * with the last one partial (4 sectors). */
    CHECK_U64(data, (10 * 16 + 11 * 16 + 4 * 16 + 4) * 512);
    td_close(&td);
    free(want);
    memdir_free(&d);
}

/* 1000 extents alternating FLAT (with offsets), sparse and ZERO. */
TEST(test_thousand_extents) {
    memdir d;
    memdir_init(&d);
    add_flat(&d, "x/flat.img", 4008, 9);
    sparse_spec spec = {IMG_KDMV, 8, 8, 512, 1, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    uint8_t g[4096];
    pattern_fill(g, sizeof(g), 4, 0);
    sb_put(&b, 0, g);
    size_t size;
    uint8_t *img = sb_finish_file(&b, &size);
    char *desc = malloc(1000 * 40 + 100);
    size_t n = (size_t)sprintf(desc, "createType=\"custom\"\n");
    uint8_t *want = calloc(1000 * 8, 512);
    for (unsigned i = 0; i < 1000; i++) {
        if (i % 3 == 0) {
            n += (size_t)sprintf(desc + n, "RW 8 FLAT \"flat.img\" %u\n", i * 4);
            pattern_fill(want + i * 4096, 4096, 9, i * 4 * 512);
        } else if (i % 3 == 1) {
            char name[32];
            snprintf(name, sizeof(name), "x/s%u.vmdk", i);
            memdir_add(&d, name, img, size);
            n += (size_t)sprintf(desc + n, "RW 8 SPARSE \"%s\"\n", name + 2);
            memcpy(want + i * 4096, g, 4096);
        } else {
            n += (size_t)sprintf(desc + n, "RW 8 ZERO\n");
        }
    }
    memdir_add_text(&d, "x/big.vmdk", desc);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "x/big.vmdk", NULL), 0);
    CHECK_U64(td.disk->extent_count, 1000);
    CHECK_U64(vmdk_capacity(td.disk), 1000 * 4096);
    CHECK(td_read_equals(&td, 0, want, 1000 * 4096));
    CHECK(td_read_equals(&td, 123457, want + 123457, 1000000));
    td_close(&td);
    CHECK_U64(d.opens, 1000 - 333);
    CHECK_U64(d.closes, d.opens);
    free(want);
    free(desc);
    free(img);
    memdir_free(&d);
}

/* Contiguous flat extents of one file are read with one platform call. */
TEST(test_flat_batching) {
    memdir d;
    memdir_init(&d);
    add_flat(&d, "f.img", 64, 1);
    memdir_add_text(&d, "f.vmdk",
                    "createType=\"custom\"\nRW 16 FLAT \"f.img\" 0\n"
                    "RW 16 FLAT \"f.img\" 16\nRW 32 FLAT \"f.img\" 32\n");
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "f.vmdk", NULL), 0);
    uint8_t want[64 * 512];
    pattern_fill(want, sizeof(want), 1, 0);
    unsigned long before = d.reads;
    CHECK(td_read_equals(&td, 0, want, sizeof(want)));
    /* Three extents opened separately are three sources: three reads. */
    CHECK_U64(d.reads - before, 3);
    td_close(&td);
    memdir_free(&d);
}

TEST(test_probe) {
    static const struct {
        const char *data;
        size_t size;
        int want;
    } cases[] = {
        {"KDMV\1\0\0\0", 8, VMDK_KIND_SPARSE},
        {"COWD\1\0\0\0", 8, VMDK_KIND_COWD},
        {"# Disk DescriptorFile\nversion=1\n", 32, VMDK_KIND_DESCRIPTOR},
        {"createType=\"custom\"\n", 20, VMDK_KIND_DESCRIPTOR},
        {"CREATETYPE=x", 12, VMDK_KIND_DESCRIPTOR},
        {"hello world\n", 12, VB_EFORMAT},
        {"createType\0\1", 12, VB_EFORMAT},
        {"KDM", 3, VB_EFORMAT},
        {"", 0, VB_EFORMAT},
        {"\x7f"
         "ELF createType",
         15, VB_EFORMAT},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        vb_memsource mem;
        vb_source src;
        vb_memsource_init(&mem, cases[i].data, cases[i].size, &src);
        CHECK_ERR(vmdk_probe(&src), cases[i].want);
    }
    /* Regression: QEMU rewrites a descriptor in place when it sets a new
     * CID; one with fewer hex digits leaves the old text's last bytes after
     * the NUL ("...\n\0\n\0..."). Seen as an intermittent "not a VMDK
     * file" on qemu-img images. After a text that does not end with a line
     * break, anything but NULs still means "not a descriptor". */
    static const char rewritten[] = "# Disk DescriptorFile\nCID=9b0212\n\0\n\0\0";
    static const char cut[] = "# Disk DescriptorFile\nCID=9b0212\0\n\0";
    vb_memsource rmem;
    vb_source rsrc;
    vb_memsource_init(&rmem, rewritten, sizeof(rewritten), &rsrc);
    CHECK_ERR(vmdk_probe(&rsrc), VMDK_KIND_DESCRIPTOR);
    vb_memsource_init(&rmem, cut, sizeof(cut), &rsrc);
    CHECK_ERR(vmdk_probe(&rsrc), VB_EFORMAT);
    /* Embedded-descriptor padding (NULs after the text) is fine. */
    char padded[512] = "createType=\"x\"\n";
    vb_memsource mem;
    vb_source src;
    vb_memsource_init(&mem, padded, sizeof(padded), &src);
    CHECK_ERR(vmdk_probe(&src), VMDK_KIND_DESCRIPTOR);
}

TEST(test_api_misuse) {
    static vmdk_disk disk;
    memset(&disk, 0, sizeof(disk));
    uint8_t b;
    CHECK_ERR(vmdk_read(&disk, 0, &b, 1), VB_EINVAL);
    vmdk_run run;
    CHECK_ERR(vmdk_map(&disk, 0, &run), VB_EINVAL);
    CHECK_ERR(vmdk_open(&disk, NULL, "x", NULL, NULL), VB_EINVAL);
    vmdk_close(&disk);
    vmdk_close(&disk);
    /* Garbage top file. */
    memdir d;
    memdir_init(&d);
    memdir_add_text(&d, "g.vmdk", "just some text\n");
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "g.vmdk", NULL), VB_EFORMAT);
    CHECK_STR(vmdk_detail(td.disk),
              "g.vmdk: not a VMDK file (no descriptor text, KDMV or COWD signature)");
    td_close(&td);
    /* A descriptor larger than the limit. */
    char *big = malloc(VB_DESCRIPTOR_MAX + 2);
    memset(big, '#', VB_DESCRIPTOR_MAX + 1);
    memcpy(big, "createType=\"x\"\n", 15);
    big[VB_DESCRIPTOR_MAX + 1] = 0;
    memdir_add_text(&d, "big.vmdk", big);
    CHECK_ERR(td_open(&td, &d, "big.vmdk", NULL), VB_ELIMIT);
    CHECK_STR(vmdk_detail(td.disk),
              "big.vmdk: descriptor is 65537 bytes, larger than VB_DESCRIPTOR_MAX (65536)");
    td_close(&td);
    free(big);
    memdir_free(&d);
}

/* Issue 13: a read that fails while probing a link's file or a sparse
 * extent's header is reported as that read's own error, with the file,
 * offset and length, never as "not a VMDK file" (EFORMAT). */
TEST(test_probe_read_errors) {
    static const char desc[] = "# Disk DescriptorFile\nCID=12345678\nparentCID=ffffffff\n"
                               "createType=\"monolithicFlat\"\nRW 8 FLAT \"t-flat.vmdk\" 0\n";
    static const int codes[] = {VB_EIO, VB_ERANGE, VB_ETRUNCATED};
    static const char *const details[] = {
        "t.vmdk: read of 108 bytes at offset 0 failed: I/O error",
        "t.vmdk: read of 108 bytes at offset 0 failed: read out of range",
        "t.vmdk: read of 108 bytes at offset 0 failed: truncated",
    };
    CHECK_U64(strlen(desc), 108);
    uint8_t flat[4096] = {0};
    for (size_t i = 0; i < VB_ARRAY_SIZE(codes); i++) {
        memdir d;
        memdir_init(&d);
        memdir_file *f = memdir_add_text(&d, "t.vmdk", desc);
        memdir_add(&d, "t-flat.vmdk", flat, sizeof(flat));
        f->fail_from = 100;
        f->fail_to = 101;
        f->fail_err = codes[i];
        vb_source src;
        CHECK_ERR(memdir_source(&d, "t.vmdk", &src), 0);
        CHECK_ERR(vmdk_probe(&src), codes[i]);
        memdir_source_free(&src);
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "t.vmdk", NULL), codes[i]);
        CHECK_STR(vmdk_detail(td.disk), details[i]);
        td_close(&td);
        memdir_free(&d);
    }
    /* A sparse extent whose header cannot be read. */
    memdir d;
    memdir_init(&d);
    memdir_add_text(&d, "s.vmdk",
                    "# Disk DescriptorFile\ncreateType=\"twoGbMaxExtentSparse\"\n"
                    "RW 128 SPARSE \"s-s001.vmdk\"\n");
    memdir_file *ext = memdir_add(&d, "s-s001.vmdk", flat, sizeof(flat));
    ext->fail_from = 0;
    ext->fail_to = 1;
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", NULL), VB_EIO);
    CHECK_STR(vmdk_detail(td.disk), "s-s001.vmdk: read of 512 bytes at offset 0 failed: I/O error");
    td_close(&td);
    memdir_free(&d);
}

TEST_MAIN(TEST_ENTRY(test_custom_mix), TEST_ENTRY(test_noaccess), TEST_ENTRY(test_open_errors),
          TEST_ENTRY(test_create_types), TEST_ENTRY(test_split_sparse),
          TEST_ENTRY(test_thousand_extents), TEST_ENTRY(test_flat_batching), TEST_ENTRY(test_probe),
          TEST_ENTRY(test_probe_read_errors), TEST_ENTRY(test_api_misuse))
