/* Unit tests of the writers of new disks: the layout arithmetic (one
 * sector, grain and table boundaries, 2 GiB extents, sizes that must be
 * refused), file names, the header and descriptor bytes qemu-img writes,
 * and whole disks written into memory files and read back by the reader,
 * including files that fail after every possible number of writes and
 * flushes. */
#include "test.h"
#include "lib/util.h"
#include "memdir.h"
#include "vmdk/vmdk_descgen.h"
#include "vmdk/vmdk_writer.h"
#include "vmdk_testutil.h"

/* ---- layout ------------------------------------------------------------- */

typedef struct layout_case {
    uint64_t capacity; /* sectors */
    int err;
    uint64_t grains, gt_count, gd_sectors, rgd, rgt, gd, gt, overhead;
} layout_case;

TEST(test_layout_sparse) {
    /* The offsets are those of `qemu-img create -f vmdk` (7.2) at these sizes. */
    static const layout_case cases[] = {
        {1, 0, 1, 1, 1, 21, 22, 26, 27, 128},
        {128, 0, 1, 1, 1, 21, 22, 26, 27, 128},
        {129, 0, 2, 1, 1, 21, 22, 26, 27, 128},
        {65536, 0, 512, 1, 1, 21, 22, 26, 27, 128},
        {65537, 0, 513, 2, 1, 21, 22, 30, 31, 128},
        {204800, 0, 1600, 4, 1, 21, 22, 38, 39, 128},
        {2097152, 0, 16384, 32, 1, 21, 22, 150, 151, 384},
        {4194304, 0, 32768, 64, 1, 21, 22, 278, 279, 640},
        {20971520, 0, 163840, 320, 3, 21, 24, 1304, 1307, 2688},
        {0, VB_EINVAL},
        {1ull << 32, VB_ELIMIT},
        {(1ull << 32) - 1, VB_ELIMIT},
        {UINT64_MAX, VB_ELIMIT},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        const layout_case *c = &cases[i];
        vmdk_layout_sparse l;
        CHECK_ERR(vmdk_layout_sparse_init(c->capacity, &l), c->err);
        if (c->err)
            continue;
        CHECK_U64(l.grains, c->grains);
        CHECK_U64(l.gt_count, c->gt_count);
        CHECK_U64(l.gd_sectors, c->gd_sectors);
        CHECK_U64(l.rgd_offset, c->rgd);
        CHECK_U64(l.rgt_offset, c->rgt);
        CHECK_U64(l.gd_offset, c->gd);
        CHECK_U64(l.gt_offset, c->gt);
        CHECK_U64(l.overhead, c->overhead);
    }
    /* The largest extent: every grain stored still fits 32-bit offsets. */
    uint64_t max = vmdk_layout_sparse_max();
    vmdk_layout_sparse l;
    CHECK_U64(max, 4294441984u);
    CHECK_ERR(vmdk_layout_sparse_init(max, &l), 0);
    CHECK(l.overhead + l.grains * 128 <= (1ull << 32));
    CHECK_ERR(vmdk_layout_sparse_init(max + 1, &l), VB_ELIMIT);
}

TEST(test_layout_extents) {
    uint64_t n, start, sectors;
    const uint64_t split = VMDK_LAYOUT_SPLIT_SECTORS;
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_SPLIT_SPARSE, 1, &n), 0);
    CHECK_U64(n, 1);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_SPLIT_SPARSE, split, &n), 0);
    CHECK_U64(n, 1);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_SPLIT_FLAT, split + 1, &n), 0);
    CHECK_U64(n, 2);
    vmdk_layout_extent_span(VMDK_CREATE_SPLIT_FLAT, split + 1, 1, &start, &sectors);
    CHECK_U64(start, split);
    CHECK_U64(sectors, 1);
    vmdk_layout_extent_span(VMDK_CREATE_SPLIT_FLAT, split + 1, 0, &start, &sectors);
    CHECK_U64(start, 0);
    CHECK_U64(sectors, split);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_SPLIT_SPARSE, VB_EXTENTS_MAX * split, &n), 0);
    CHECK_U64(n, VB_EXTENTS_MAX);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_SPLIT_SPARSE, VB_EXTENTS_MAX * split + 1, &n),
              VB_ELIMIT);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_MONOLITHIC_FLAT, 1ull << 50, &n), 0);
    CHECK_U64(n, 1);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_MONOLITHIC_FLAT, UINT64_MAX / 256, &n),
              VB_ELIMIT); /* bytes overflow */
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_MONOLITHIC_SPARSE, vmdk_layout_sparse_max(), &n),
              0);
    CHECK_ERR(
        vmdk_layout_extent_count(VMDK_CREATE_MONOLITHIC_SPARSE, vmdk_layout_sparse_max() + 128, &n),
        VB_ELIMIT);
    CHECK_ERR(vmdk_layout_extent_count(VMDK_CREATE_MONOLITHIC_SPARSE, 0, &n), VB_EINVAL);
    CHECK_ERR(vmdk_layout_extent_count((vmdk_create_type)7, 1, &n), VB_EINVAL);
}

TEST(test_layout_names) {
    static const struct {
        vmdk_create_type type;
        const char *top;
        uint64_t index;
        const char *want;
    } cases[] = {
        {VMDK_CREATE_MONOLITHIC_SPARSE, "disk.vmdk", 0, "disk.vmdk"},
        {VMDK_CREATE_SPLIT_SPARSE, "disk.vmdk", 0, "disk-s001.vmdk"},
        {VMDK_CREATE_SPLIT_FLAT, "disk.vmdk", 1, "disk-f002.vmdk"},
        {VMDK_CREATE_SPLIT_FLAT, "disk.vmdk", 999, "disk-f1000.vmdk"},
        {VMDK_CREATE_MONOLITHIC_FLAT, "disk.vmdk", 0, "disk-flat.vmdk"},
        {VMDK_CREATE_MONOLITHIC_FLAT, "a.b.img", 0, "a.b-flat.img"},
        {VMDK_CREATE_SPLIT_SPARSE, "noext", 2, "noext-s003"},
    };
    char out[64];
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        CHECK_ERR(
            vmdk_layout_extent_name(cases[i].type, cases[i].top, cases[i].index, out, sizeof(out)),
            0);
        CHECK_STR(out, cases[i].want);
    }
    CHECK_ERR(vmdk_layout_extent_name(VMDK_CREATE_SPLIT_SPARSE, "disk.vmdk", 0, out, 14),
              VB_ELIMIT);
    CHECK_ERR(vmdk_layout_extent_name(VMDK_CREATE_SPLIT_SPARSE, "disk.vmdk", 0, out, 15), 0);
    vmdk_create_type t;
    CHECK(vmdk_layout_type_find("TWOGBMAXEXTENTFLAT", &t) && t == VMDK_CREATE_SPLIT_FLAT);
    CHECK(!vmdk_layout_type_find("streamOptimized", &t));
}

/* ---- header and descriptor bytes ------------------------------------------ */

TEST(test_header_bytes) {
    /* The first 80 bytes of `qemu-img create -f vmdk a.vmdk 100M`; the rest is 0. */
    static const uint8_t want[80] = {
        0x4b, 0x44, 0x4d, 0x56, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x20,
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x0a, 0x20, 0x0d, 0x0a, 0x00, 0x00, 0x00};
    vmdk_layout_sparse l;
    uint8_t h[512], zero[512] = {0};
    CHECK_ERR(vmdk_layout_sparse_init(204800, &l), 0);
    vmdk_layout_header(&l, h);
    CHECK_MEM(h, want, sizeof(want));
    CHECK_MEM(h + 80, zero, 512 - 80);
}

TEST(test_descriptor_text) {
    /* As `qemu-img create -f vmdk` (7.2) writes them, CID apart. */
    static const char base[] = "# Disk DescriptorFile\n"
                               "version=1\n"
                               "CID=9e950609\n"
                               "parentCID=ffffffff\n"
                               "createType=\"monolithicSparse\"\n"
                               "\n"
                               "# Extent description\n"
                               "RW 204800 SPARSE \"a.vmdk\"\n"
                               "\n"
                               "# The Disk Data Base\n"
                               "#DDB\n"
                               "\n"
                               "ddb.virtualHWVersion = \"4\"\n"
                               "ddb.geometry.cylinders = \"203\"\n"
                               "ddb.geometry.heads = \"16\"\n"
                               "ddb.geometry.sectors = \"63\"\n"
                               "ddb.adapterType = \"ide\"\n"
                               "ddb.toolsVersion = \"2147483647\"\n";
    static const char child_head[] = "# Disk DescriptorFile\n"
                                     "version=1\n"
                                     "CID=bbb6f7c\n"
                                     "parentCID=9e950609\n"
                                     "createType=\"monolithicSparse\"\n"
                                     "parentFileNameHint=\"../a.vmdk\"\n"
                                     "# Extent description\n"
                                     "RW 204800 SPARSE \"c.vmdk\"\n";
    static const char split_extents[] = "# Extent description\n"
                                        "RW 4194304 FLAT \"f-f001.vmdk\" 0\n"
                                        "RW 4194304 FLAT \"f-f002.vmdk\" 0\n"
                                        "RW 2097152 FLAT \"f-f003.vmdk\" 0\n"
                                        "\n"
                                        "# The Disk Data Base\n"
                                        "#DDB\n"
                                        "\n"
                                        "ddb.virtualHWVersion = \"4\"\n"
                                        "ddb.geometry.cylinders = \"10402\"\n";
    char out[4096];
    size_t len;
    vmdk_descgen_params p = {
        VMDK_CREATE_MONOLITHIC_SPARSE, 204800, "a.vmdk", 0x9e950609, 0xffffffff, NULL};
    CHECK_ERR(vmdk_descgen_text(&p, out, sizeof(out), &len), 0);
    CHECK_STR(out, base);
    CHECK_U64(len, sizeof(base) - 1);
    vmdk_descgen_params c = {
        VMDK_CREATE_MONOLITHIC_SPARSE, 204800, "c.vmdk", 0xbbb6f7c, 0x9e950609, "../a.vmdk"};
    CHECK_ERR(vmdk_descgen_text(&c, out, sizeof(out), &len), 0);
    CHECK(strncmp(out, child_head, sizeof(child_head) - 1) == 0);
    vmdk_descgen_params f = {VMDK_CREATE_SPLIT_FLAT, 10485760, "f.vmdk", 1, 0xffffffff, NULL};
    CHECK_ERR(vmdk_descgen_text(&f, out, sizeof(out), &len), 0);
    CHECK(strstr(out, split_extents) != NULL);
    CHECK_ERR(vmdk_descgen_text(&p, out, sizeof(base) - 1, &len), VB_ELIMIT);
    CHECK_ERR(vmdk_descgen_text(&p, out, sizeof(base), &len), 0);
    vmdk_descgen_params q = p;
    q.top_name = "a\".vmdk";
    CHECK_ERR(vmdk_descgen_text(&q, out, sizeof(out), &len), VB_EINVAL);
    q.top_name = "a.vmdk";
    q.parent_hint = "x\ny";
    CHECK_ERR(vmdk_descgen_text(&q, out, sizeof(out), &len), VB_EINVAL);
}

/* ---- whole disks in memory ------------------------------------------------ */

/* The disks are written into memdir files (its opener's create); with
 * fail_after >= 0 every write and flush fails once that many are done. */
static vmdk_writer writer;

/* 1000 sectors of a pattern: grains 0-2 data, 3 zeros (not put), 4 data,
 * the rest holes but the partial last grain (sectors 896..999). */
#define SMALL_SECTORS 1000u
static uint8_t small_disk[SMALL_SECTORS * 512];

static int write_small(memdir *d, vmdk_create_type type, long fail_after) {
    vb_memset(small_disk, 0, sizeof(small_disk));
    for (size_t i = 0; i < 5 * 65536; i++)
        small_disk[i] = (uint8_t)(i * 7 + i / 65536);
    vb_memset(small_disk + 3 * 65536, 0, 65536);
    for (size_t i = 7 * 65536; i < sizeof(small_disk); i++)
        small_disk[i] = (uint8_t)(i ^ 0x5a);
    memdir_init(d);
    d->fail_after = fail_after;
    vb_opener opener;
    memdir_opener(d, &opener);
    vmdk_writer_params p = {type, sizeof(small_disk), "small.vmdk", 0x1234, 0xffffffff, NULL};
    int err = vmdk_writer_begin(&writer, &p, &opener);
    if (!err)
        err = vmdk_writer_put(&writer, 0, small_disk, 3 * 65536);
    if (!err)
        err = vmdk_writer_put(&writer, 4 * 65536, small_disk + 4 * 65536, 65536);
    if (!err)
        err = vmdk_writer_put(&writer, 7 * 65536, small_disk + 7 * 65536,
                              sizeof(small_disk) - 7 * 65536);
    if (!err)
        err = vmdk_writer_finish(&writer);
    if (err)
        vmdk_writer_abort(&writer);
    return err;
}

TEST(test_write_read_back) {
    static const vmdk_create_type types[] = {VMDK_CREATE_MONOLITHIC_SPARSE,
                                             VMDK_CREATE_SPLIT_SPARSE, VMDK_CREATE_MONOLITHIC_FLAT,
                                             VMDK_CREATE_SPLIT_FLAT};
    for (size_t i = 0; i < VB_ARRAY_SIZE(types); i++) {
        memdir d;
        CHECK_ERR(write_small(&d, types[i], -1), 0);
        CHECK(d.creates > 0 && d.closes == d.creates);
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "small.vmdk", NULL), 0);
        CHECK_U64(vmdk_capacity(td.disk), sizeof(small_disk));
        CHECK(td_read_equals(&td, 0, small_disk, sizeof(small_disk)));
        if (vmdk_layout_type_sparse(types[i])) {
            /* Grain 3 (zeros) and 5, 6 (holes) take no room: 4 grains + last. */
            vmdk_run run;
            CHECK_ERR(vmdk_map(td.disk, 3 * 65536, &run), 0);
            CHECK(run.kind == VMDK_RUN_HOLE);
            memdir_file *f = memdir_find(&d, i == 0 ? "small.vmdk" : "small-s001.vmdk");
            CHECK_U64(f->size, (128 + 5 * 128) * 512);
        } else {
            memdir_file *f = memdir_find(&d, i == 2 ? "small-flat.vmdk" : "small-f001.vmdk");
            CHECK_U64(f->size, sizeof(small_disk));
        }
        td_close(&td);
        memdir_free(&d);
    }
}

/* Files that fail after n writes and flushes, for every n: the writer
 * reports the failure, and until the last write the top file is no valid
 * disk (the last call is the flush after it). */
TEST(test_write_failures) {
    static const vmdk_create_type types[] = {VMDK_CREATE_MONOLITHIC_SPARSE,
                                             VMDK_CREATE_MONOLITHIC_FLAT};
    for (size_t i = 0; i < VB_ARRAY_SIZE(types); i++) {
        memdir d;
        CHECK_ERR(write_small(&d, types[i], -1), 0);
        unsigned long total = d.writes + d.flushes;
        memdir_free(&d);
        for (long n = 0; n < (long)total; n++) {
            CHECK_ERR(write_small(&d, types[i], n), VB_EIO);
            CHECK(d.closes == d.creates);
            test_disk td;
            int err = td_open(&td, &d, "small.vmdk", NULL);
            CHECK(err != 0 || n == (long)total - 1); /* all written but the last flush */
            td_close(&td);
            memdir_free(&d);
        }
    }
}

TEST(test_writer_refusals) {
    memdir d;
    memdir_init(&d);
    vb_opener opener;
    memdir_opener(&d, &opener);
    vmdk_writer_params p = {VMDK_CREATE_MONOLITHIC_SPARSE, 1000, "r.vmdk", 1, 0xffffffff, NULL};
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), VB_EINVAL); /* not whole sectors */
    p.capacity = 0;
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), VB_EINVAL);
    p.capacity = (vmdk_layout_sparse_max() + 128) * 512;
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), VB_ELIMIT);
    CHECK_STR(vmdk_writer_detail(&writer),
              "monolithicSparse holds at most 2198754295808 bytes (use twoGbMaxExtentSparse)");
    p.type = VMDK_CREATE_MONOLITHIC_FLAT;
    p.capacity = 1024;
    p.parent_hint = "base.vmdk";
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), VB_EINVAL);
    CHECK_U64(d.creates, 0);
    /* An opener that cannot create files; one whose file exists. */
    p.type = VMDK_CREATE_MONOLITHIC_FLAT;
    p.parent_hint = NULL;
    vb_opener no_create = opener;
    no_create.create = NULL;
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &no_create), VB_EREADONLY);
    memdir_add_text(&d, "r.vmdk", "taken");
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), VB_EEXIST);
    CHECK_STR(vmdk_writer_detail(&writer), "r.vmdk: cannot create");
    CHECK_U64(d.creates, 0);
    memdir_free(&d);
    memdir_init(&d);
    memdir_opener(&d, &opener);
    /* Puts out of order, unaligned or past the end fail, and stick. */
    p.type = VMDK_CREATE_MONOLITHIC_SPARSE;
    p.parent_hint = NULL;
    p.capacity = 4 * 65536;
    uint8_t grain[65536] = {1};
    CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), 0);
    CHECK_ERR(vmdk_writer_put(&writer, 65536, grain, 65536), 0);
    CHECK_ERR(vmdk_writer_put(&writer, 0, grain, 65536), VB_EINVAL);
    CHECK_ERR(vmdk_writer_put(&writer, 2 * 65536, grain, 65536), VB_EINVAL); /* sticky */
    CHECK_ERR(vmdk_writer_finish(&writer), VB_EINVAL);
    vmdk_writer_abort(&writer);
    memdir_free(&d);
    static const struct {
        uint64_t offset;
        size_t len;
    } bad[] = {{512, 65536}, {0, 4096}, {3 * 65536, 2 * 65536}, {4 * 65536, 512}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(bad); i++) {
        memdir_init(&d);
        memdir_opener(&d, &opener);
        static uint8_t two[2 * 65536];
        CHECK_ERR(vmdk_writer_begin(&writer, &p, &opener), 0);
        CHECK_ERR(vmdk_writer_put(&writer, bad[i].offset, two, bad[i].len), VB_EINVAL);
        vmdk_writer_abort(&writer);
        memdir_free(&d);
    }
}

TEST_MAIN(TEST_ENTRY(test_layout_sparse), TEST_ENTRY(test_layout_extents),
          TEST_ENTRY(test_layout_names), TEST_ENTRY(test_header_bytes),
          TEST_ENTRY(test_descriptor_text), TEST_ENTRY(test_write_read_back),
          TEST_ENTRY(test_write_failures), TEST_ENTRY(test_writer_refusals))
