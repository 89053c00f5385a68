/* Unit tests of hosted sparse (KDMV) extents: lookup, partial last grain,
 * zeroed grains, read batching, header validation, the redundant grain
 * directory, and a 2 TiB disk. Images are built in memory (vmdk_image.c). */
#include "test.h"
#include "lib/util.h"
#include "memdir_sparse.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

#define GRAIN    16u   /* sectors per grain in the small images */
#define GTES     4u    /* entries per table: several tables in small images */
#define CAPACITY 1000u /* sectors: not a multiple of the grain (62.5 grains) */

static const char *const mono_desc = "# Disk DescriptorFile\n"
                                     "version=1\n"
                                     "CID=12345678\n"
                                     "parentCID=ffffffff\n"
                                     "createType=\"monolithicSparse\"\n"
                                     "RW 1000 SPARSE \"orig.vmdk\"\n"
                                     "ddb.adapterType = \"lsilogic\"\n";

/* A 1000-sector image: grains 0-9 in order, 20-29 in reverse order, 40 as
 * zeroed grain, 62 (the partial last grain) stored; the rest holes.
 * expected gets the disk content. */
static void build_small(memdir *d, const char *name, uint32_t flags, bool redundant,
                        uint8_t *expected, sparse_layout *layout, uint8_t **ret_img,
                        size_t *ret_size) {
    sparse_spec spec = {IMG_KDMV, CAPACITY, GRAIN, GTES, 2, flags, redundant, mono_desc, 0};
    sparse_builder b;
    uint8_t grain[GRAIN * 512];
    sb_init(&b, &spec);
    memset(expected, 0, CAPACITY * 512);
    for (uint64_t g = 0; g < 63; g++) {
        bool stored = g < 10 || (g >= 20 && g < 30) || g == 62;
        if (!stored)
            continue;
        uint64_t put = (g >= 20 && g < 30) ? 49 - g : g; /* reverse 20..29 */
        pattern_fill(grain, sizeof(grain), 7, put * sizeof(grain));
        sb_put(&b, put, grain);
        uint64_t bytes = VB_MIN(sizeof(grain), CAPACITY * 512 - put * sizeof(grain));
        memcpy(expected + put * sizeof(grain), grain, bytes);
    }
    sb_put_zero(&b, 40);
    uint8_t *img;
    size_t size;
    sb_finish(&b, &img, &size, layout);
    sb_free(&b);
    memdir_add(d, name, img, size);
    if (ret_img) {
        *ret_img = img;
        *ret_size = size;
    } else {
        free(img);
    }
}

#define STD_FLAGS (VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_REDUNDANT_GD | VMDK_FLAG_ZEROED_GTE)

TEST(test_read_small) {
    memdir d;
    memdir_init(&d);
    static uint8_t expected[CAPACITY * 512];
    sparse_layout layout;
    build_small(&d, "renamed.vmdk", STD_FLAGS, true, expected, &layout, NULL, NULL);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "renamed.vmdk", NULL), 0);
    vmdk_disk *disk = td.disk;
    CHECK_U64(vmdk_capacity(disk), CAPACITY * 512);
    CHECK_U64(disk->link_count, 1);
    CHECK_STR(disk->links[0].create_type, "monolithicSparse");
    CHECK_U64(disk->links[0].cid, 0x12345678);
    CHECK_STR(disk->extents[0].file_name, "orig.vmdk"); /* as written */
    CHECK_STR(disk->extents[0].path, "renamed.vmdk");   /* as opened */
    CHECK_U64(d.opens, 0); /* the renamed file is read as its own extent */
    const vmdk_sparse_info *sp = &disk->extents[0].sparse;
    CHECK(sp->format == VMDK_SPARSE_KDMV);
    CHECK_U64(sp->version, 2);
    CHECK_U64(sp->grain_sectors, GRAIN);
    CHECK_U64(sp->gtes_per_gt, GTES);
    CHECK_U64(sp->gd_entries, 16); /* ceil(1000 / 64) */
    CHECK_U64(sp->gd_offset, layout.gd);
    CHECK_U64(sp->rgd_offset, layout.rgd);
    CHECK(sp->rgd_usable && !sp->using_rgd && sp->zeroed_gte && !sp->compressed);
    CHECK_U64(sp->overhead, layout.grain_start);
    CHECK(td_read_equals(&td, 0, expected, sizeof(expected)));
    /* Odd offsets and lengths, including the partial last grain. */
    static const struct {
        uint64_t off, len;
    } cuts[] = {{0, 1},
                {1, 511},
                {8191, 2},
                {8192 * 9 + 100, 8192 * 3},
                {320000, 1000},
                {511999, 1},
                {507904, 4096},
                {499999, 12001},
                {8192 * 40 - 3, 8192 + 6},
                {8192 * 19, 8192 * 12}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(cuts); i++)
        CHECK(td_read_equals(&td, cuts[i].off, expected + cuts[i].off, cuts[i].len));
    uint8_t byte;
    CHECK_ERR(vmdk_read(disk, CAPACITY * 512, &byte, 1), VB_ERANGE);
    CHECK_ERR(vmdk_read(disk, CAPACITY * 512 - 1, &byte, 2), VB_ERANGE);
    CHECK_ERR(vmdk_read(disk, UINT64_MAX, &byte, 1), VB_ERANGE);
    /* The disk is a byte source. */
    vb_source src;
    vmdk_disk_source(disk, &src);
    CHECK_U64(src.size, CAPACITY * 512);
    uint8_t buf[100];
    CHECK_ERR(vb_source_read(&src, 8192 * 25 + 3, buf, sizeof(buf)), 0);
    CHECK_MEM(buf, expected + 8192 * 25 + 3, sizeof(buf));
    td_close(&td);
    CHECK_U64(d.opens, d.closes);
    sb_free_layout(&layout);
    memdir_free(&d);
}

/* Whole grains contiguous in the file are read with one platform call,
 * straight into the caller's buffer. */
TEST(test_batching) {
    memdir d;
    memdir_init(&d);
    const uint64_t capacity = 64 * 128; /* 64 grains of 64 KiB, one table */
    sparse_spec spec = {IMG_KDMV, capacity, 128, 512, 1, VMDK_FLAG_NEWLINE_CHECK, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    uint8_t *expected = calloc(1, capacity * 512);
    for (uint64_t g = 0; g < 64; g++)
        sb_put_pattern(&b, g, 3, expected);
    memdir_sparse_add(&d, "bare.vmdk", &b);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "bare.vmdk", NULL), 0);
    CHECK_U64(td.disk->links[0].has_descriptor, false);
    CHECK_U64(td.disk->links[0].extent_count, 1);
    unsigned long before = d.reads;
    CHECK(td_read_equals(&td, 0, expected, capacity * 512));
    CHECK_U64(d.reads - before, 3); /* GD block, GT block, one data read */
    before = d.reads;
    CHECK(td_read_equals(&td, 100, expected + 100, capacity * 512 - 200));
    CHECK_U64(d.reads - before, 1); /* tables cached: one read */
    CHECK_U64(td.disk->cache.loads, 2);
    td_close(&td);
    free(expected);
    memdir_free(&d);
}

/* Tables stored back to back are read ahead together: a whole read of a
 * disk with 16 small KDMV tables, or three COWD tables (24 cache blocks),
 * needs one directory read, one or two table reads and one data read. */
TEST(test_table_prefetch) {
    static const struct {
        int format;
        uint64_t capacity, grain;
        uint32_t gtes;
        unsigned long reads, loads;
    } cases[] = {
        {IMG_KDMV, 64 * 8, 8, 4, 3, 17},   /* GD + 16 tables in one read + data */
        {IMG_COWD, 3 * 4096, 1, 0, 4, 25}, /* GD + 24 blocks in two reads + data */
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        memdir d;
        memdir_init(&d);
        sparse_spec spec = {cases[i].format,
                            cases[i].capacity,
                            cases[i].grain,
                            cases[i].gtes,
                            1,
                            0,
                            false,
                            NULL,
                            0};
        sparse_builder b;
        sb_init(&b, &spec);
        uint64_t bytes = cases[i].capacity * 512, gbytes = cases[i].grain * 512;
        uint8_t *expected = malloc(bytes);
        for (uint64_t g = 0; g * gbytes < bytes; g++)
            sb_put_pattern(&b, g, 8, expected);
        memdir_sparse_add(&d, "p.vmdk", &b);
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "p.vmdk", NULL), 0);
        unsigned long before = d.reads;
        CHECK(td_read_equals(&td, 0, expected, bytes));
        CHECK_U64(d.reads - before, cases[i].reads);
        CHECK_U64(td.disk->cache.loads, cases[i].loads);
        td_close(&td);
        free(expected);
        memdir_free(&d);
    }
}

/* Header fields: each mutation of a valid image and the error it gives. */
TEST(test_header_validation) {
    static uint8_t expected[CAPACITY * 512];
    memdir d;
    memdir_init(&d);
    sparse_layout layout;
    uint8_t *img;
    size_t size;
    build_small(&d, "h.vmdk", STD_FLAGS, true, expected, &layout, &img, &size);
    static const struct {
        size_t off;
        int width; /* 1, 2, 4 or 8 bytes */
        uint64_t value;
        int err;
        const char *detail;
    } cases[] = {
        {0, 4, 0x564d444c, VB_EFORMAT,
         "h.vmdk: not a VMDK file (no descriptor text, KDMV or COWD signature)"},
        {4, 4, 0, VB_EUNSUPPORTED, "h.vmdk: sparse header version 0 not supported (1-3)"},
        {4, 4, 4, VB_EUNSUPPORTED, "h.vmdk: sparse header version 4 not supported (1-3)"},
        {8, 4, STD_FLAGS | 0x00040000, VB_EUNSUPPORTED,
         "h.vmdk: sparse header has unknown incompatible flags 0x00040000"},
        {8, 4, STD_FLAGS | 0x00000100, 0, ""}, /* unknown low bits are compatible */
        {73, 1, '\r', VB_ECORRUPT,
         "h.vmdk: newline check bytes are 0d 20 0d 0a, not 0a 20 0d 0a: the file went through a "
         "text-mode transfer"},
        {12, 8, 0x0080000000000000ull, VB_ECORRUPT,
         "h.vmdk: capacity 36028797018963968 sectors overflows a byte count"},
        {20, 8, 0, VB_ECORRUPT, "h.vmdk: grain size 0 sectors is not a power of two"},
        {20, 8, 24, VB_ECORRUPT, "h.vmdk: grain size 24 sectors is not a power of two"},
        {20, 8, 4096, VB_EUNSUPPORTED,
         "h.vmdk: grain size 4096 sectors exceeds VB_GRAIN_BYTES_MAX (1048576 bytes)"},
        {44, 4, 0, VB_ECORRUPT, "h.vmdk: numGTEsPerGT 0 is outside 1..512"},
        {44, 4, 513, VB_ECORRUPT, "h.vmdk: numGTEsPerGT 513 is outside 1..512"},
        {56, 8, 100000, VB_ECORRUPT,
         "h.vmdk: grain directory (16 entries at sector 100000) does not fit in the file "
         "(196608 bytes)"},
        {56, 8, 0, VB_ECORRUPT,
         "h.vmdk: grain directory (16 entries at sector 0) does not fit in the file (196608 "
         "bytes)"},
        {12, 8, 0x7fffffffffff, VB_ECORRUPT,
         "h.vmdk: grain directory (2199023255552 entries at sector 30) does not fit in the file "
         "(196608 bytes)"},
        {12, 8, 2000, VB_ECORRUPT,
         "h.vmdk: descriptor gives the extent 1000 sectors but its header says 2000"},
        {28, 8, 1000, VB_ECORRUPT,
         "h.vmdk: embedded descriptor (20 sectors at sector 1000) extends past end of file "
         "(196608 bytes)"},
        {36, 8, 0x0100000000000000ull, VB_ECORRUPT,
         "h.vmdk: embedded descriptor (72057594037927936 sectors at sector 1) extends past end "
         "of file (196608 bytes)"},
        {8, 4, STD_FLAGS | VMDK_FLAG_COMPRESSED, VB_EUNSUPPORTED,
         "h.vmdk: compression algorithm 0 not supported"},
        {77, 2, 1, 0, ""}, /* algorithm without the flag: ignored */
    };

    /* header, 20 descriptor sectors, rgd, 8 redundant tables, then the GD */
    CHECK_U64(layout.gd, 30);
    CHECK_U64(size, 196608);
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        uint8_t *copy = malloc(size);
        memcpy(copy, img, size);
        for (int k = 0; k < cases[i].width; k++)
            copy[cases[i].off + k] = (uint8_t)(cases[i].value >> (8 * k));
        memdir_add(&d, "h.vmdk", copy, size);
        free(copy);
        test_disk td;
        int r = td_open(&td, &d, "h.vmdk", NULL);
        CHECK_ERR(r, cases[i].err);
        CHECK_STR(vmdk_detail(td.disk), cases[i].detail);
        if (r != cases[i].err)
            fprintf(stderr, "  case %zu\n", i);
        td_close(&td);
    }
    /* Truncated to less than a header. */
    memdir_add(&d, "h.vmdk", img, 300);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "h.vmdk", NULL), VB_ETRUNCATED);
    CHECK_STR(vmdk_detail(td.disk),
              "h.vmdk: file is 300 bytes, too small for a sparse extent header");
    td_close(&td);
    CHECK_U64(d.opens, d.closes);
    free(img);
    sb_free_layout(&layout);
    memdir_free(&d);
}

/* Metadata damage after the header: the redundant directory saves what it
 * can, the rest are precise errors. */
TEST(test_redundant_gd) {
    static uint8_t expected[CAPACITY * 512];
    memdir d;
    memdir_init(&d);
    sparse_layout layout;
    uint8_t *img;
    size_t size;
    build_small(&d, "r.vmdk", STD_FLAGS, true, expected, &layout, &img, &size);
    test_disk td;

    /* 1. Primary GD entry 2 points past the end: the redundant GD is used. */
    uint8_t *bad = malloc(size);
    memcpy(bad, img, size);
    put_le32_at(bad, layout.gd * 512 + 2 * 4, 90000);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK(td.disk->extents[0].sparse.using_rgd);
    CHECK_U64(td.disk->extents[0].sparse.active_gd_offset, layout.rgd);
    CHECK(td_read_equals(&td, 0, expected, sizeof(expected)));
    td_close(&td);

    /* 2. Same without a redundant copy (flag bit 1 clear): a clear error. */
    put_le32_at(bad, 8, STD_FLAGS & ~VMDK_FLAG_REDUNDANT_GD);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "r.vmdk: grain directory entry 2 points past end of file: sector 90001 > 384");
    td_close(&td);

    /* 3. Both copies bad: the primary's problem is reported. */
    memcpy(bad, img, size);
    put_le32_at(bad, layout.gd * 512 + 2 * 4, 90000);
    put_le32_at(bad, layout.rgd * 512 + 5 * 4, 0x7fffffff);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "r.vmdk: grain directory entry 2 points past end of file: sector 90001 > 384");
    td_close(&td);

    /* 4. Primary GD unreadable (I/O error): the redundant GD is used. */
    memdir_file *f = memdir_add(&d, "r.vmdk", img, size);
    f->fail_from = layout.gd * 512;
    f->fail_to = layout.gd * 512 + 4;
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK(td.disk->extents[0].sparse.using_rgd);
    CHECK(td_read_equals(&td, 0, expected, sizeof(expected)));
    td_close(&td);

    /* 5. A primary grain table entry points past the end: that table is
     * read from its redundant copy. */
    memcpy(bad, img, size);
    put_le32_at(bad, layout.gt[5] * 512 + 1 * 4, 0x7fffffff);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK(!td.disk->extents[0].sparse.using_rgd);
    CHECK(td_read_equals(&td, 0, expected, sizeof(expected)));
    td_close(&td);

    /* 5b. Its redundant copy bad too: the primary table's problem is the
     * detail (the redundant copy's is not), and other tables still read. */
    uint8_t buf[512];
    put_le32_at(bad, layout.rgt[5] * 512 + 2 * 4, 0x7ffffff0);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK_ERR(vmdk_read(td.disk, 5 * 64 * 512, buf, sizeof(buf)), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "r.vmdk: grain table 5 entry 1 points past end of file: sector 2147483663 > 384");
    CHECK(td_read_equals(&td, 0, expected, 5 * 64 * 512));
    td_close(&td);

    /* 6. Same without a redundant copy: the read fails precisely. */
    put_le32_at(bad, 8, STD_FLAGS & ~VMDK_FLAG_REDUNDANT_GD);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK_ERR(vmdk_read(td.disk, 5 * 64 * 512, buf, sizeof(buf)), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "r.vmdk: grain table 5 entry 1 points past end of file: sector 2147483663 > 384");
    CHECK(td_read_equals(&td, 0, expected, 5 * 64 * 512)); /* other tables still read */
    td_close(&td);

    /* 7. A grain table entry pointing into the header. */
    memcpy(bad, img, size);
    put_le32_at(bad, 8, STD_FLAGS & ~VMDK_FLAG_REDUNDANT_GD & ~VMDK_FLAG_ZEROED_GTE);
    memdir_add(&d, "r.vmdk", bad, size);
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK_ERR(vmdk_read(td.disk, 40 * 8192, buf, sizeof(buf)), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "r.vmdk: grain table 10 entry 0 points into the embedded descriptor: sector 1");
    td_close(&td);

    /* 8. A grain-table read error with no redundant copy: VB_EIO. */
    f = memdir_add(&d, "r.vmdk", bad, size);
    f->fail_from = layout.gt[0] * 512;
    f->fail_to = f->fail_from + 1;
    CHECK_ERR(td_open(&td, &d, "r.vmdk", NULL), 0);
    CHECK_ERR(vmdk_read(td.disk, 0, buf, sizeof(buf)), VB_EIO);
    char want[160];
    snprintf(want, sizeof(want), "r.vmdk: read of 16 bytes at offset %llu failed: I/O error",
             (unsigned long long)(layout.gt[0] * 512));
    CHECK_STR(vmdk_detail(td.disk), want);
    td_close(&td);

    CHECK_U64(d.opens, d.closes);
    free(bad);
    free(img);
    sb_free_layout(&layout);
    memdir_free(&d);
}

/* Compressed extents are opened by vmdk_stream.c (test_vmdk_stream.c has
 * the details): an empty one reads zeros; gdOffset all-ones without a
 * footer and without markers to walk fails with the footer's problem. */
TEST(test_compressed_handoff) {
    memdir d;
    memdir_init(&d);
    sparse_spec spec = {
        IMG_KDMV, 128,  128,
        512,      3,    VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_COMPRESSED | VMDK_FLAG_MARKERS,
        false,    NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    size_t size;
    uint8_t *img = sb_finish_file(&b, &size);
    img[77] = 1;
    memdir_add(&d, "s.vmdk", img, size);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", NULL), 0);
    CHECK(td.disk->extents[0].sparse.stream_layout == VMDK_STREAM_HEADER_GD);
    static const uint8_t zeros[128 * 512];
    CHECK(td_read_equals(&td, 0, zeros, sizeof(zeros)));
    td_close(&td);
    put_le64_at(img, 56, UINT64_MAX); /* GD at end, uncompressed */
    put_le32_at(img, 8, VMDK_FLAG_NEWLINE_CHECK);
    memdir_add(&d, "s.vmdk", img, size);
    CHECK_ERR(td_open(&td, &d, "s.vmdk", NULL), VB_ECORRUPT);
    CHECK(strstr(vmdk_detail(td.disk), "s.vmdk: no footer marker at sector") != NULL);
    td_close(&td);
    free(img);
    memdir_free(&d);
}

/* A 2 TiB sparse disk (2^32 sectors, 64 KiB grains, 65536 tables) with
 * data at the start, in the middle and in the last grain. */
TEST(test_2tib) {
    memdir d;
    memdir_init(&d);
    const uint64_t capacity = 1ull << 32;
    sparse_spec spec = {IMG_KDMV, capacity, 128, 512, 1, VMDK_FLAG_NEWLINE_CHECK, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    static uint8_t grains[4][65536];
    const uint64_t where[4] = {0, 1, (capacity / 128) / 2 + 7, capacity / 128 - 1};
    for (int i = 0; i < 4; i++) {
        pattern_fill(grains[i], 65536, 11, where[i] * 65536);
        sb_put(&b, where[i], grains[i]);
    }
    uint8_t *img;
    size_t size;
    sparse_layout layout;
    sb_finish(&b, &img, &size, &layout);
    memdir_add(&d, "big.vmdk", img, size);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "big.vmdk", NULL), 0);
    CHECK_U64(vmdk_capacity(td.disk), 2ull << 40);
    CHECK_U64(td.disk->extents[0].sparse.gd_entries, 65536);
    for (int i = 0; i < 4; i++)
        CHECK(td_read_equals(&td, where[i] * 65536, grains[i], 65536));
    static uint8_t zeros[1 << 20];
    CHECK(td_read_equals(&td, 2 * 65536, zeros, sizeof(zeros)));
    CHECK(td_read_equals(&td, (2ull << 40) - 65536 - sizeof(zeros), zeros, sizeof(zeros)));
    /* Reading across the whole last table: data grain at the very end. */
    CHECK(td_read_equals(&td, (2ull << 40) - 65536, grains[3], 65536));
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, 0, &run), 0);
    CHECK(run.kind == VMDK_RUN_DATA);
    CHECK_U64(run.length, 2 * 65536);
    CHECK_ERR(vmdk_map(td.disk, 2 * 65536, &run), 0);
    CHECK(run.kind == VMDK_RUN_HOLE);
    CHECK_U64(run.length, where[2] * 65536 - 2 * 65536);
    CHECK_ERR(vmdk_map(td.disk, where[3] * 65536, &run), 0);
    CHECK(run.kind == VMDK_RUN_DATA);
    CHECK_U64(run.offset + run.length, 2ull << 40);
    td_close(&td);
    free(img);
    sb_free(&b);
    sb_free_layout(&layout);
    memdir_free(&d);
}

TEST_MAIN(TEST_ENTRY(test_read_small), TEST_ENTRY(test_batching), TEST_ENTRY(test_table_prefetch),
          TEST_ENTRY(test_header_validation), TEST_ENTRY(test_redundant_gd),
          TEST_ENTRY(test_compressed_handoff), TEST_ENTRY(test_2tib))
