/* Unit tests of delta links: fall-through to the parent, zeroed grains
 * that do not fall through, parentCID checks, loops, depth, paths, and map
 * reporting the link of each run. */
#include "test.h"
#include "lib/util.h"
#include "memdir_sparse.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

#define G   8u  /* grain, sectors */
#define CAP 64u /* capacity, sectors: 8 grains */
#define GB  (G * 512u)

typedef struct grain_op {
    int grain;
    int kind; /* 'd' data, 'z' zeroed GTE */
    uint64_t seed;
} grain_op;

/* Adds a monolithic sparse link (embedded descriptor) with the given ops. */
static void add_link(memdir *d, const char *name, uint64_t capacity, const char *desc,
                     const grain_op *ops, size_t n, uint8_t *content) {
    sparse_spec spec = {IMG_KDMV, capacity, G,
                        512,      2,        VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_ZEROED_GTE,
                        false,    desc,     0};
    sparse_builder b;
    sb_init(&b, &spec);
    for (size_t i = 0; i < n; i++) {
        uint64_t g = (uint64_t)ops[i].grain;
        if (ops[i].kind == 'd') {
            sb_put_pattern(&b, g, ops[i].seed, content);
        } else {
            sb_put_zero(&b, g);
            if (content && g * G < capacity)
                memset(content + g * GB, 0, GB);
        }
    }
    memdir_sparse_add(d, name, &b);
}

static const char *mono(uint32_t cid, uint32_t parent_cid, const char *hint, uint64_t capacity) {
    static char buf[4][512];
    static int k;
    char *out = buf[k++ % 4];
    snprintf(out, 512,
             "# Disk DescriptorFile\nversion=1\nCID=%08x\nparentCID=%08x\n%s%s%s"
             "createType=\"monolithicSparse\"\nRW %llu SPARSE \"x.vmdk\"\n",
             cid, parent_cid, hint ? "parentFileNameHint=\"" : "", hint ? hint : "",
             hint ? "\"\n" : "", (unsigned long long)capacity);
    return out;
}

/* base <- dir/child <- top, with data, holes and zeroed grains. */
static void build_chain(memdir *d, uint8_t *expected) {
    static const grain_op base_ops[] = {{0, 'd', 1}, {1, 'd', 1}, {2, 'd', 1}, {3, 'd', 1},
                                        {4, 'd', 1}, {5, 'd', 1}, {6, 'd', 1}};
    static const grain_op child_ops[] = {{2, 'd', 2}, {3, 'z', 0}, {6, 'd', 2}};
    static const grain_op top_ops[] = {{4, 'd', 3}, {5, 'z', 0}, {6, 'd', 3}};
    memset(expected, 0, CAP * 512);
    add_link(d, "dir/base.vmdk", CAP, mono(0xaaaa, 0xffffffff, NULL, CAP), base_ops, 7, expected);
    add_link(d, "dir/child.vmdk", CAP, mono(0xbbbb, 0xaaaa, "base.vmdk", CAP), child_ops, 3,
             expected);
    add_link(d, "top.vmdk", CAP, mono(0xcccc, 0xbbbb, "dir/child.vmdk", CAP), top_ops, 3, expected);
}

TEST(test_three_links) {
    memdir d;
    memdir_init(&d);
    uint8_t expected[CAP * 512];
    build_chain(&d, expected);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "top.vmdk", NULL), 0);
    vmdk_disk *disk = td.disk;
    CHECK_U64(disk->link_count, 3);
    CHECK_STR(disk->links[0].path, "top.vmdk");
    CHECK_STR(disk->links[1].path, "dir/child.vmdk");
    CHECK_STR(disk->links[2].path, "dir/base.vmdk");
    CHECK_STR(disk->links[0].parent_hint, "dir/child.vmdk");
    CHECK(disk->links[2].parent_hint == NULL);
    CHECK_U64(disk->links[1].cid, 0xbbbb);
    CHECK_U64(disk->links[1].parent_cid, 0xaaaa);
    CHECK(td_read_equals(&td, 0, expected, sizeof(expected)));
    for (uint64_t off = 0; off < sizeof(expected); off += 777)
        CHECK(td_read_equals(&td, off, expected + off, VB_MIN(3000, sizeof(expected) - off)));
    /* Grain by grain: which link and kind map reports. */
    static const struct {
        int kind;
        unsigned link;
    } want[8] = {{VMDK_RUN_DATA, 2}, {VMDK_RUN_DATA, 2}, {VMDK_RUN_DATA, 1}, {VMDK_RUN_ZERO, 1},
                 {VMDK_RUN_DATA, 0}, {VMDK_RUN_ZERO, 0}, {VMDK_RUN_DATA, 0}, {VMDK_RUN_HOLE, 2}};
    uint64_t off = 0;
    size_t runs = 0;
    while (off < CAP * 512) {
        vmdk_run run;
        CHECK_ERR(vmdk_map(disk, off, &run), 0);
        unsigned g = (unsigned)(off / GB);
        CHECK(run.kind == (vmdk_run_kind)want[g].kind);
        CHECK_U64(run.link, want[g].link);
        CHECK_U64(run.extent, 0);
        off += run.length;
        runs++;
    }
    CHECK_U64(runs, 7); /* base grains 0 and 1 are one run */
    td_close(&td);
    CHECK_U64(d.opens, 2);
    CHECK_U64(d.closes, 2);

    /* Opening the middle link alone shows its own view. */
    CHECK_ERR(td_open(&td, &d, "dir/child.vmdk", NULL), 0);
    CHECK_U64(td.disk->link_count, 2);
    uint8_t grain[GB];
    pattern_fill(grain, GB, 1, 4 * GB);
    CHECK(td_read_equals(&td, 4 * GB, grain, GB));
    td_close(&td);
    memdir_free(&d);
}

TEST(test_chain_errors) {
    static const grain_op none[] = {{0, 'd', 1}};
    static const struct {
        const char *top_desc; /* embedded in top.vmdk */
        int err;
        const char *detail;
        bool ignore_cid, allow_escape;
    } cases[] = {
        {"", VB_ECID,
         "top.vmdk: parentCID 00001234 does not match CID 0000aaaa of parent base.vmdk"},
        {"", 0, "", true},
        {"missing", VB_ENOTFOUND, "top.vmdk: cannot open parent \"gone.vmdk\": not found"},
        {"escape", VB_EPATH,
         "top.vmdk: parentFileNameHint \"../base.vmdk\" is absolute or contains \"..\" (not "
         "allowed)"},
        {"abs", VB_EPATH,
         "top.vmdk: parentFileNameHint \"/vm/base.vmdk\" is absolute or contains \"..\" (not "
         "allowed)"},
        {"self", VB_ELOOP, "top.vmdk: parent \"top.vmdk\" is already in the chain (loop)"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        memdir d;
        memdir_init(&d);
        add_link(&d, "base.vmdk", CAP, mono(0xaaaa, 0xffffffff, NULL, CAP), none, 1, NULL);
        const char *hint = "base.vmdk";
        if (strcmp(cases[i].top_desc, "missing") == 0)
            hint = "gone.vmdk";
        else if (strcmp(cases[i].top_desc, "escape") == 0)
            hint = "../base.vmdk";
        else if (strcmp(cases[i].top_desc, "abs") == 0)
            hint = "/vm/base.vmdk";
        else if (strcmp(cases[i].top_desc, "self") == 0)
            hint = "./top.vmdk";
        add_link(&d, "top.vmdk", CAP, mono(0xcccc, 0x1234, hint, CAP), none, 1, NULL);
        vmdk_open_options opt = {cases[i].allow_escape, cases[i].ignore_cid};
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "top.vmdk", &opt), cases[i].err);
        CHECK_STR(vmdk_detail(td.disk), cases[i].detail);
        td_close(&td);
        CHECK_U64(d.opens, d.closes);
        memdir_free(&d);
    }
}

/* Issue 13: a parent whose first sector cannot be read is reported as the
 * read's own error with its file, offset and length, not as "not a VMDK
 * file"; the files opened so far are closed. */
TEST(test_parent_probe_read_error) {
    static const grain_op none[] = {{0, 'd', 1}};
    memdir d;
    memdir_init(&d);
    add_link(&d, "dir/base.vmdk", CAP, mono(0xaaaa, 0xffffffff, NULL, CAP), none, 1, NULL);
    add_link(&d, "top.vmdk", CAP, mono(0xcccc, 0xaaaa, "dir/base.vmdk", CAP), none, 1, NULL);
    memdir_file *base = memdir_find(&d, "dir/base.vmdk");
    base->fail_from = 0;
    base->fail_to = 4;
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "top.vmdk", NULL), VB_EIO);
    CHECK_STR(vmdk_detail(td.disk),
              "dir/base.vmdk: read of 512 bytes at offset 0 failed: I/O error");
    td_close(&td);
    CHECK_U64(d.opens, d.closes);
    memdir_free(&d);
}

/* a -> b -> a loops; a chain longer than VB_CHAIN_MAX is refused. */
TEST(test_loop_and_depth) {
    static const grain_op none[] = {{0, 'd', 1}};
    memdir d;
    memdir_init(&d);
    add_link(&d, "a.vmdk", CAP, mono(1, 2, "b.vmdk", CAP), none, 1, NULL);
    add_link(&d, "b.vmdk", CAP, mono(2, 1, "a.vmdk", CAP), none, 1, NULL);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "a.vmdk", NULL), VB_ELOOP);
    CHECK_STR(vmdk_detail(td.disk), "b.vmdk: parent \"a.vmdk\" is already in the chain (loop)");
    td_close(&td);
    CHECK_U64(d.opens, d.closes);
    memdir_free(&d);

    memdir_init(&d);
    for (unsigned i = 0; i <= VB_CHAIN_MAX; i++) {
        char name[32], parent[32];
        snprintf(name, sizeof(name), "l%u.vmdk", i);
        snprintf(parent, sizeof(parent), "l%u.vmdk", i + 1);
        bool base = i == VB_CHAIN_MAX;
        add_link(&d, name, CAP,
                 mono(100 + i, base ? 0xffffffff : 101 + i, base ? NULL : parent, CAP), none, 1,
                 NULL);
    }
    CHECK_ERR(td_open(&td, &d, "l1.vmdk", NULL), 0); /* exactly VB_CHAIN_MAX links */
    CHECK_U64(td.disk->link_count, VB_CHAIN_MAX);
    td_close(&td);
    CHECK_ERR(td_open(&td, &d, "l0.vmdk", NULL), VB_ELIMIT);
    char want[128];
    snprintf(want, sizeof(want), "l%u.vmdk: delta chain is deeper than VB_CHAIN_MAX (%u) links",
             VB_CHAIN_MAX - 1, VB_CHAIN_MAX);
    CHECK_STR(vmdk_detail(td.disk), want);
    td_close(&td);
    CHECK_U64(d.opens, d.closes);
    memdir_free(&d);
}

/* A parent smaller than its child reads as zeros past its end; a
 * descriptor-file child with a sparse extent works as a link too. */
TEST(test_small_parent_and_descriptor_child) {
    static const grain_op base_ops[] = {{0, 'd', 1}, {1, 'd', 1}, {2, 'd', 1}, {3, 'd', 1}};
    static const grain_op child_ops[] = {{1, 'd', 2}};
    memdir d;
    memdir_init(&d);
    add_link(&d, "base.vmdk", 32, mono(7, 0xffffffff, NULL, 32), base_ops, 4, NULL);
    add_link(&d, "child-s001.vmdk", CAP, NULL, child_ops, 1, NULL);
    memdir_add_text(&d, "child.vmdk",
                    "# Disk DescriptorFile\nversion=1\nCID=00000008\n"
                    "parentCID=00000007\nparentFileNameHint=\"base.vmdk\"\n"
                    "createType=\"twoGbMaxExtentSparse\"\n"
                    "RW 64 SPARSE \"child-s001.vmdk\"\n");
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "child.vmdk", NULL), 0);
    uint8_t want[CAP * 512];
    memset(want, 0, sizeof(want));
    pattern_fill(want, 4 * GB, 1, 0);
    pattern_fill(want + GB, GB, 2, GB);
    CHECK(td_read_equals(&td, 0, want, sizeof(want)));
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, 4 * GB, &run), 0);
    CHECK(run.kind == VMDK_RUN_HOLE);
    CHECK_U64(run.length, 4 * GB);
    CHECK_U64(run.link, 1);
    td_close(&td);
    memdir_free(&d);
}

TEST_MAIN(TEST_ENTRY(test_three_links), TEST_ENTRY(test_chain_errors),
          TEST_ENTRY(test_parent_probe_read_error), TEST_ENTRY(test_loop_and_depth),
          TEST_ENTRY(test_small_parent_and_descriptor_child))
