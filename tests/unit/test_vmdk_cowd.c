/* Unit tests of COWD (ESXi vmfsSparse) extents: standalone and through a
 * vmfsSparse descriptor, grain sizes 1 and 8, 4096-entry tables, a COWD
 * redo log over a flat base, and header validation. */
#include "test.h"
#include "lib/util.h"
#include "vmdk_image.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

/* A COWD file of `capacity` sectors with every third grain stored
 * (placed in reverse order so neighbours are not contiguous, except runs
 * of two); expected gets the content (zeros elsewhere). */
static uint8_t *build_cowd(uint64_t capacity, uint64_t grain, uint8_t *expected, size_t *ret_size,
                           sparse_layout *layout) {
    sparse_spec spec = {IMG_COWD, capacity, grain, 0, 0, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    uint64_t grains = (capacity + grain - 1) / grain;
    uint8_t *g = malloc(grain * 512);
    if (expected)
        memset(expected, 0, capacity * 512);
    for (uint64_t i = grains; i-- > 0;) {
        if (i % 3 == 2)
            continue;
        pattern_fill(g, grain * 512, 21, i * grain * 512);
        sb_put(&b, i, g);
        if (expected)
            memcpy(expected + i * grain * 512, g, VB_MIN(grain, capacity - i * grain) * 512);
    }
    uint8_t *img;
    sb_finish(&b, &img, ret_size, layout);
    sb_free(&b);
    free(g);
    return img;
}

TEST(test_cowd_read) {
    static const struct {
        uint64_t capacity, grain;
    } cases[] = {{10000, 1}, {10000, 8}, {4096, 1}, {100, 8}, {8193, 1}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        uint64_t cap = cases[i].capacity;
        uint8_t *expected = malloc(cap * 512);
        size_t size;
        sparse_layout layout;
        uint8_t *img = build_cowd(cap, cases[i].grain, expected, &size, &layout);
        memdir d;
        memdir_init(&d);
        memdir_add(&d, "vm-delta.vmdk", img, size);
        memdir_add_text(&d, "vm.vmdk",
                        td_text("# Disk DescriptorFile\nversion=1\nCID=11111111\n"
                                "parentCID=ffffffff\ncreateType=\"vmfsSparse\"\n"
                                "RW %llu VMFSSPARSE \"vm-delta.vmdk\"\n",
                                (unsigned long long)cap));
        const char *names[2] = {"vm-delta.vmdk", "vm.vmdk"};
        for (int n = 0; n < 2; n++) {
            test_disk td;
            CHECK_ERR(td_open(&td, &d, names[n], NULL), 0);
            CHECK_U64(td.disk->links[0].kind, n == 0 ? VMDK_KIND_COWD : VMDK_KIND_DESCRIPTOR);
            const vmdk_sparse_info *sp = &td.disk->extents[0].sparse;
            CHECK(sp->format == VMDK_SPARSE_COWD);
            CHECK_U64(sp->gtes_per_gt, 4096);
            CHECK_U64(sp->grain_sectors, cases[i].grain);
            CHECK_U64(sp->capacity, cap);
            CHECK_U64(sp->gd_offset, 4);
            CHECK_U64(vmdk_capacity(td.disk), cap * 512);
            CHECK(td_read_equals(&td, 0, expected, cap * 512));
            for (uint64_t off = 0; off < cap * 512; off += 40000)
                CHECK(td_read_equals(&td, off + 3, expected + off + 3,
                                     VB_MIN(9000, cap * 512 - off - 3)));
            td_close(&td);
        }
        CHECK_U64(d.opens, d.closes);
        memdir_free(&d);
        sb_free_layout(&layout);
        free(img);
        free(expected);
    }
}

/* A COWD redo log over a flat base: unallocated grains fall through. */
TEST(test_cowd_delta) {
    const uint64_t cap = 5000;
    uint8_t *delta = malloc(cap * 512);
    size_t size;
    sparse_layout layout;
    uint8_t *img = build_cowd(cap, 2, delta, &size, &layout);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "vm-000001-delta.vmdk", img, size);
    uint8_t *base = malloc(cap * 512);
    pattern_fill(base, cap * 512, 99, 0);
    memdir_add(&d, "vm-flat.vmdk", base, cap * 512);
    memdir_add_text(&d, "vm.vmdk",
                    "version=1\nCID=aaaaaaaa\nparentCID=ffffffff\n"
                    "createType=\"vmfs\"\nRW 5000 VMFS \"vm-flat.vmdk\"\n");
    memdir_add_text(&d, "vm-000001.vmdk",
                    "version=1\nCID=bbbbbbbb\nparentCID=aaaaaaaa\n"
                    "parentFileNameHint=\"vm.vmdk\"\ncreateType=\"vmfsSparse\"\n"
                    "RW 5000 VMFSSPARSE \"vm-000001-delta.vmdk\"\n");
    uint8_t *want = malloc(cap * 512);
    for (uint64_t g = 0; g < cap / 2; g++)
        memcpy(want + g * 1024, (g % 3 == 2 ? base : delta) + g * 1024, 1024);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "vm-000001.vmdk", NULL), 0);
    CHECK(td_read_equals(&td, 0, want, cap * 512));
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, 2 * 1024, &run), 0);
    CHECK(run.kind == VMDK_RUN_DATA);
    CHECK_U64(run.link, 1);
    CHECK_U64(run.file_offset, 2048);
    CHECK_U64(run.length, 1024);
    td_close(&td);
    free(want);
    free(base);
    free(img);
    free(delta);
    sb_free_layout(&layout);
    memdir_free(&d);
}

TEST(test_cowd_errors) {
    size_t size;
    sparse_layout layout;
    uint8_t *img = build_cowd(10000, 1, NULL, &size, &layout);
    static const struct {
        size_t off;
        uint32_t value;
        int err;
        const char *detail;
    } cases[] = {
        {16, 0, VB_ECORRUPT, "c.vmdk: COWD grain size is 0 sectors"},
        {16, 4096, VB_EUNSUPPORTED,
         "c.vmdk: COWD grain size 4096 sectors exceeds VB_GRAIN_BYTES_MAX (1048576 bytes)"},
        {24, 2, VB_ECORRUPT,
         "c.vmdk: COWD grain directory has 2 entries, capacity 10000 sectors needs 3"},
        {20, 3, VB_ECORRUPT,
         "c.vmdk: COWD grain directory (3 entries at sector 3) does not fit in the file (3465216 "
         "bytes)"},
        {20, 0x10000000, VB_ECORRUPT,
         "c.vmdk: COWD grain directory (3 entries at sector 268435456) does not fit in the file "
         "(3465216 bytes)"},
        {24, 100, 0, ""}, /* extra directory entries are ignored */
        {12, 0xffffffff, VB_ECORRUPT,
         "c.vmdk: COWD grain directory has 3 entries, capacity 4294967295 sectors needs 1048576"},
    };
    CHECK_U64(size, 3465216);
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        memdir d;
        memdir_init(&d);
        memdir_file *f = memdir_add(&d, "c.vmdk", img, size);
        put_le32_at(f->data, cases[i].off, cases[i].value);
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "c.vmdk", NULL), cases[i].err);
        CHECK_STR(vmdk_detail(td.disk), cases[i].detail);
        td_close(&td);
        memdir_free(&d);
    }
    /* Table entries: into the header, past the end. */
    memdir d;
    memdir_init(&d);
    memdir_file *f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gd * 512 + 4, 3);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "c.vmdk", NULL), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "c.vmdk: grain directory entry 1 points into the header: sector 3");
    td_close(&td);
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gt[1] * 512 + 4095 * 4, 2);
    CHECK_ERR(td_open(&td, &d, "c.vmdk", NULL), 0);
    uint8_t buf[512];
    CHECK_ERR(vmdk_read(td.disk, (4096 + 4095) * 512, buf, 512), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "c.vmdk: grain table 1 entry 4095 points into the header: sector 2");
    td_close(&td);
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gt[2] * 512 + 7 * 4, (uint32_t)(size / 512));
    CHECK_ERR(td_open(&td, &d, "c.vmdk", NULL), 0);
    CHECK_ERR(vmdk_read(td.disk, 8192 * 512 + 7 * 512, buf, 512), VB_ECORRUPT);
    CHECK_STR(vmdk_detail(td.disk),
              "c.vmdk: grain table 2 entry 7 points past end of file: sector 6769 > 6768");
    td_close(&td);
    /* Truncated header. */
    memdir_add(&d, "c.vmdk", img, 1000);
    CHECK_ERR(td_open(&td, &d, "c.vmdk", NULL), VB_ETRUNCATED);
    CHECK_STR(vmdk_detail(td.disk),
              "c.vmdk: file is 1000 bytes, too small for a COWD header (2048)");
    td_close(&td);
    memdir_free(&d);
    sb_free_layout(&layout);
    free(img);
}

TEST_MAIN(TEST_ENTRY(test_cowd_read), TEST_ENTRY(test_cowd_delta), TEST_ENTRY(test_cowd_errors))
