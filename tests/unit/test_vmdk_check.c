/* Unit tests of vmdk_check: a clean image reports nothing; each kind of
 * damage is reported with its code and exact line; duplicate detection
 * works across bitmap passes. */
#include "test.h"
#include "lib/util.h"
#include "vmdk_image.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

typedef struct reports {
    int count;
    int errs[16];
    char lines[16][VB_DETAIL_MAX];
} reports;

static void collect(void *ctx, int err, const char *problem) {
    reports *r = ctx;
    if (r->count < 16) {
        r->errs[r->count] = err;
        snprintf(r->lines[r->count], VB_DETAIL_MAX, "%s", problem);
    }
    r->count++;
}

#define FLAGS (VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_REDUNDANT_GD | VMDK_FLAG_ZEROED_GTE)

/* 256 sectors, grain 8, 8 entries per table (4 tables), redundant copy;
 * grains 0..9 stored, 12 zeroed. */
static uint8_t *build(size_t *ret_size, sparse_layout *layout) {
    sparse_spec spec = {
        IMG_KDMV, 256,   8,    8,
        2,        FLAGS, true, "createType=\"monolithicSparse\"\nRW 256 SPARSE \"c.vmdk\"\n",
        0};
    sparse_builder b;
    sb_init(&b, &spec);
    for (uint64_t i = 0; i < 10; i++)
        sb_put_pattern(&b, i, 1, NULL);
    sb_put_zero(&b, 12);
    uint8_t *img;
    sb_finish(&b, &img, ret_size, layout);
    sb_free(&b);
    return img;
}

static int run_check(memdir *d, const char *name, const vmdk_open_options *opt, reports *rep) {
    test_disk td;
    memset(rep, 0, sizeof(*rep));
    int r = td_open(&td, d, name, opt);
    CHECK_ERR(r, 0);
    if (r == 0)
        r = vmdk_check(td.disk, collect, rep);
    if (r)
        CHECK_STR(vmdk_detail(td.disk), rep->lines[0]);
    td_close(&td);
    return r;
}

TEST(test_clean) {
    size_t size;
    sparse_layout layout;
    uint8_t *img = build(&size, &layout);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "c.vmdk", img, size);
    reports rep;
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), 0);
    CHECK_U64(rep.count, 0);
    memdir_free(&d);
    sb_free_layout(&layout);
    free(img);
}

TEST(test_damage) {
    size_t size;
    sparse_layout layout;
    uint8_t *img = build(&size, &layout);
    char l0[VB_DETAIL_MAX], l1[VB_DETAIL_MAX];
    memdir d;
    memdir_init(&d);
    reports rep;

    /* Two entries of table 0 name the same grain (in both copies). */
    memdir_file *f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gt[0] * 512 + 3 * 4, (uint32_t)layout.grain_sector[1]);
    put_le32_at(f->data, layout.rgt[0] * 512 + 3 * 4, (uint32_t)layout.grain_sector[1]);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    snprintf(l0, sizeof(l0),
             "c.vmdk: grain table 0 entry 3 points at a grain already used by another entry "
             "(sector %llu)",
             (unsigned long long)layout.grain_sector[1]);
    CHECK_STR(rep.lines[0], l0);

    /* A grain past the end in the primary only: reported for the primary
     * copy and as a difference between the copies. */
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gt[1] * 512 + 0, 100000);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 2);
    snprintf(l0, sizeof(l0),
             "c.vmdk: grain table 1 entry 0 points past end of file: sector 100008 > %llu "
             "(primary copy)",
             (unsigned long long)(size / 512));
    snprintf(l1, sizeof(l1),
             "c.vmdk: grain table 1 entry 0 is 100000 but its redundant copy is %llu",
             (unsigned long long)layout.grain_sector[8]);
    CHECK_STR(rep.lines[0], l0);
    CHECK_STR(rep.lines[1], l1);
    CHECK_ERR(rep.errs[1], VB_ECORRUPT);

    /* A primary directory entry past the end: open uses the redundant
     * directory, check still reports the primary. (Directory entries of
     * the two copies differ by design: they point at different tables.) */
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.gd * 512 + 4, 0x00ffffff);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    CHECK_STR(rep.lines[0], "c.vmdk: primary grain directory entry 1 points outside the file or "
                            "into the header: sector 16777215");

    /* A redundant directory entry of 0 where the primary has a table. */
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le32_at(f->data, layout.rgd * 512 + 0, 0);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    snprintf(l0, sizeof(l0), "c.vmdk: grain directory entry 0 is %llu but its redundant copy is 0",
             (unsigned long long)layout.gt[0]);
    CHECK_STR(rep.lines[0], l0);

    /* A redundant directory offset whose byte offset wraps around 2^64
     * (2^55 sectors * 512 = 2^64 = 0): reported as not fitting, not read
     * from byte 0 (regression: the multiplication was not checked). */
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le64_at(f->data, 48, 1ull << 55);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    CHECK_STR(rep.lines[0], "c.vmdk: redundant grain directory (4 entries at sector "
                            "36028797018963968) does not fit in the file");

    /* overHead past the end of the file. */
    f = memdir_add(&d, "c.vmdk", img, size);
    put_le64_at(f->data, 64, 1u << 20);
    CHECK_ERR(run_check(&d, "c.vmdk", NULL, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    snprintf(l0, sizeof(l0), "c.vmdk: overHead 1048576 sectors is past the end of file (%llu)",
             (unsigned long long)(size / 512));
    CHECK_STR(rep.lines[0], l0);

    memdir_free(&d);
    sb_free_layout(&layout);
    free(img);
}

TEST(test_descriptor_problems) {
    size_t size;
    sparse_layout layout;
    uint8_t *img = build(&size, &layout);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "s.vmdk", img, size);
    uint8_t flat[256 * 512] = {0};
    memdir_add(&d, "f.img", flat, sizeof(flat));
    memdir_add_text(&d, "a.vmdk",
                    "version=4\nCID=1\nparentCID=5\ncreateType=\"monolithicFlat\"\n"
                    "RW 256 SPARSE \"s.vmdk\"\nRW 256 FLAT \"f.img\"\n");
    reports rep;
    CHECK_ERR(run_check(&d, "a.vmdk", NULL, &rep), VB_EDESCRIPTOR);
    CHECK_U64(rep.count, 3);
    CHECK_STR(rep.lines[0], "a.vmdk: descriptor version 4 is not 1, 2 or 3");
    CHECK_STR(rep.lines[1], "a.vmdk: createType monolithicFlat but extent 0 is sparse");
    CHECK_STR(rep.lines[2], "a.vmdk: parentCID is 00000005 but there is no parentFileNameHint");
    memdir_add_text(&d, "m.vmdk",
                    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicSparse\"\n"
                    "RW 256 SPARSE \"s.vmdk\"\nRW 10 ZERO\n");
    CHECK_ERR(run_check(&d, "m.vmdk", NULL, &rep), VB_EDESCRIPTOR);
    CHECK_U64(rep.count, 1);
    CHECK_STR(rep.lines[0], "m.vmdk: createType monolithicSparse has 2 extents, expected 1");

    /* A parent whose CID changed, opened with ignore_cid. */
    memdir_add_text(&d, "child.vmdk",
                    "CID=2\nparentCID=00000009\nparentFileNameHint=\"base.vmdk\"\n"
                    "createType=\"twoGbMaxExtentSparse\"\nRW 256 SPARSE \"s.vmdk\"\n");
    memdir_add_text(&d, "base.vmdk",
                    "CID=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
                    "RW 256 FLAT \"f.img\"\n");
    vmdk_open_options opt = {false, true};
    CHECK_ERR(run_check(&d, "child.vmdk", &opt, &rep), VB_ECID);
    CHECK_U64(rep.count, 1);
    CHECK_STR(rep.lines[0],
              "child.vmdk: parentCID 00000009 does not match CID 00000001 of parent base.vmdk");
    memdir_free(&d);
    sb_free_layout(&layout);
    free(img);
}

/* A source whose first bytes come from a buffer and the rest reads as
 * zeros: a multi-gigabyte file without the memory. */
typedef struct virt_file {
    const uint8_t *data;
    size_t len;
} virt_file;

static int virt_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    virt_file *v = ctx;
    memset(buf, 0, len);
    if (offset < v->len)
        memcpy(buf, v->data + offset, VB_MIN(len, v->len - offset));
    return 0;
}

/* Grains far apart need several bitmap windows; a duplicate in a later
 * window is still found, and only it. */
TEST(test_duplicates_multipass) {
    sparse_spec spec = {IMG_KDMV, 64, 8, 8, 1, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    uint8_t g[4096] = {1};
    for (uint64_t i = 0; i < 5; i++)
        sb_put(&b, i, g);
    uint8_t *img;
    size_t size;
    sparse_layout layout;
    sb_finish(&b, &img, &size, &layout);
    const uint64_t bits = (uint64_t)VB_CHECK_BITMAP_BYTES * 8;
    const uint32_t slots[5] = {10, (uint32_t)(bits + 5), (uint32_t)(2 * bits + 7),
                               (uint32_t)(bits + 5), (uint32_t)(bits + 6)};
    for (int i = 0; i < 5; i++)
        put_le32_at(img, layout.gt[0] * 512 + i * 4, slots[i] * 8);
    virt_file v = {img, size};
    vb_source src = {&v, (3 * bits) * 8 * 512, virt_read};
    static vmdk_disk disk;
    CHECK_ERR(vmdk_open(&disk, &src, "v.vmdk", NULL, NULL), 0);
    reports rep = {0};
    CHECK_ERR(vmdk_check(&disk, collect, &rep), VB_ECORRUPT);
    CHECK_U64(rep.count, 1);
    char want[VB_DETAIL_MAX];
    snprintf(want, sizeof(want),
             "v.vmdk: grain table 0 entry 3 points at a grain already used by another entry "
             "(sector %u)",
             slots[3] * 8);
    CHECK_STR(rep.lines[0], want);
    vmdk_close(&disk);
    sb_free(&b);
    sb_free_layout(&layout);
    free(img);
}

TEST_MAIN(TEST_ENTRY(test_clean), TEST_ENTRY(test_damage), TEST_ENTRY(test_descriptor_problems),
          TEST_ENTRY(test_duplicates_multipass))
