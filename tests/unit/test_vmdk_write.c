/* test_vmdk_write.c: the writer (core/vmdk/vmdk_write*.c) over in-memory
 * files: exact bytes of writes, new grains and tables (both copies), the
 * zeroed-grain entry, the parent under a partial grain, the CID rewrite
 * (embedded and separate descriptors), uncleanShutdown, every refusal
 * (exact error, files unchanged), and the crash sink: for every N, the
 * scripted workload with every write or flush after the N-th failing,
 * then the files as left (a process crash) and as last flushed (a power
 * cut) must open, check clean and read back per grain a state the
 * workload went through since the last successful flush. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_memory.h"
#include "lib/util.h"
#include "memdir_sparse.h"
#include "stream_image.h"
#include "test.h"
#include "vmdk/vmdk_write.h"
#include "vmdk_image.h"
#include "vmdk_testutil.h"

static vmdk_disk wdisk;

/* ---- images ---- */

#define CAP_SECTORS 4096u /* 2 MiB */
#define GRAIN       8u    /* 4 KiB grains */
#define GTES        16u   /* 64 KiB per table: 32 tables */
#define CAP_BYTES   ((uint64_t)CAP_SECTORS * 512)
#define GRAIN_BYTES (GRAIN * 512u)

static const char *embedded_desc(const char *name, const char *cid, const char *parent_cid,
                                 const char *parent) {
    static char text[1024];
    snprintf(text, sizeof(text),
             "# Disk DescriptorFile\nversion=1\nCID=%s\nparentCID=%s\ncreateType=\"%s\"\n%s%s%s"
             "RW %u SPARSE \"%s\"\n\nddb.virtualHWVersion = \"4\"\n",
             cid, parent_cid, parent ? "monolithicSparse" : "monolithicSparse",
             parent ? "parentFileNameHint=\"" : "", parent ? parent : "", parent ? "\"\n" : "",
             CAP_SECTORS, name);
    return text;
}

/* A KDMV file with a redundant directory; grains put at put_every-th grain
 * (0: none) with content seed, tables for the first `tables` directory
 * entries. */
static void add_sparse(memdir *d, const char *name, const char *desc, uint32_t flags,
                       unsigned put_every, unsigned tables, uint64_t seed) {
    sparse_spec spec = {IMG_KDMV, CAP_SECTORS, GRAIN, GTES, 1, flags | VMDK_FLAG_REDUNDANT_GD,
                        true,     desc,        0};
    memdir_sparse_add_every(d, name, &spec, tables, put_every, seed);
}

/* Opens name of d for writing (top source kept in *top). */
static int open_rw(memdir *d, const char *name, vb_source *top, uint32_t seed) {
    vb_opener opener;
    memdir_opener(d, &opener);
    int r = memdir_source_rw(d, name, top);
    if (r)
        return r;
    vmdk_open_options o = {0};
    host_allocator_init(&o.memory);
    o.writable = true;
    o.cid_seed = seed;
    return vmdk_open(&wdisk, top, name, &opener, &o);
}

/* The whole disk through the reader (read-only open). */
static int read_all(memdir *d, const char *name, uint8_t *out, uint64_t cap, int *ret_check) {
    test_disk td;
    int r = td_open(&td, d, name, NULL);
    if (!r && vmdk_capacity(td.disk) != cap)
        r = VB_EINVAL;
    if (!r)
        r = vmdk_read(td.disk, 0, out, (size_t)cap);
    if (!r && ret_check)
        *ret_check = vmdk_check(td.disk, NULL, NULL);
    if (r || (ret_check && *ret_check))
        fprintf(stderr, "  %s: %s\n", name, vmdk_detail(td.disk));
    td_close(&td);
    return r;
}

/* ---- the scripted workload ---- */

typedef struct op {
    uint64_t off, len;
    bool flush;
    bool zeros; /* all-zero data */
} op;

static const op workload[] = {
    {100, 700, false, false},                              /* partial grain, existing table */
    {GRAIN_BYTES * 3 - 10, GRAIN_BYTES + 20, true, false}, /* across grains */
    {65536 * 5 + 1000, 5000, false, false},                /* a table that does not exist yet */
    {65536 * 2 - 512, 1024, true, false},                  /* across a table boundary */
    {GRAIN_BYTES * 4, GRAIN_BYTES, false, true},           /* a whole grain of zeros */
    {110, 50, false, false},                               /* over an allocated grain: in place */
    {CAP_BYTES - 3000, 3000, true, false},                 /* the last grain and table */
    {65536 * 9, 65536 * 2 + 4096, false, false},           /* several grains, two new tables */
    {GRAIN_BYTES * 4 + 17, 1, true, false},                /* into the zero grain */
};
#define OPS (sizeof(workload) / sizeof(workload[0]))

static void op_data(unsigned i, uint8_t *buf) {
    if (workload[i].zeros)
        memset(buf, 0, workload[i].len);
    else
        pattern_fill(buf, workload[i].len, 1000 + i, 0);
}

/* states[k]: the disk after k operations. */
static uint8_t *states[OPS + 1];

static void make_states(const uint8_t *initial) {
    static uint8_t data[CAP_BYTES];
    for (unsigned k = 0; k <= OPS; k++) {
        states[k] = malloc(CAP_BYTES);
        memcpy(states[k], k ? states[k - 1] : initial, CAP_BYTES);
        if (k) {
            op_data(k - 1, data);
            memcpy(states[k] + workload[k - 1].off, data, workload[k - 1].len);
        }
    }
}

static void free_states(void) {
    for (unsigned k = 0; k <= OPS; k++)
        free(states[k]), states[k] = NULL;
}

/* Runs the workload on an open disk: returns the number of operations
 * begun; *ret_flushed the operations covered by the last good flush. */
static unsigned run_workload(unsigned *ret_flushed, int *ret_err) {
    static uint8_t data[CAP_BYTES];
    *ret_flushed = 0;
    *ret_err = 0;
    for (unsigned i = 0; i < OPS; i++) {
        op_data(i, data);
        int r = vmdk_write(&wdisk, workload[i].off, data, workload[i].len);
        if (!r && workload[i].flush) {
            r = vmdk_flush(&wdisk);
            if (!r)
                *ret_flushed = i + 1;
        }
        if (r) {
            *ret_err = r;
            return i + 1;
        }
    }
    return OPS;
}

/* Every grain of got equals that grain of some states[k], lo <= k <= hi. */
static bool grains_ok(const uint8_t *got, unsigned lo, unsigned hi) {
    for (uint64_t g = 0; g < CAP_BYTES; g += GRAIN_BYTES) {
        bool any = false;
        for (unsigned k = lo; k <= hi && !any; k++)
            any = memcmp(got + g, states[k] + g, GRAIN_BYTES) == 0;
        if (!any) {
            fprintf(stderr, "  grain at %llu matches no state %u..%u\n", (unsigned long long)g, lo,
                    hi);
            return false;
        }
    }
    return true;
}

typedef struct image_case {
    const char *what;
    const char *top; /* file opened */
    void (*make)(memdir *d);
} image_case;

static void make_single(memdir *d) {
    add_sparse(d, "w.vmdk", embedded_desc("w.vmdk", "12345678", "ffffffff", NULL), 0, 3, 4, 7);
}

static void make_zeroed(memdir *d) {
    add_sparse(d, "w.vmdk", embedded_desc("w.vmdk", "1a", "ffffffff", NULL), VMDK_FLAG_ZEROED_GTE,
               5, 2, 7);
}

static void make_delta(memdir *d) {
    add_sparse(d, "p.vmdk", embedded_desc("p.vmdk", "0000abcd", "ffffffff", NULL), 0, 1, 32, 9);
    add_sparse(d, "c.vmdk", embedded_desc("c.vmdk", "fedcba98", "0000abcd", "p.vmdk"),
               VMDK_FLAG_ZEROED_GTE, 0, 1, 0);
}

static void make_flat(memdir *d) {
    uint8_t *buf = calloc(1, CAP_BYTES);
    pattern_fill(buf, CAP_BYTES, 5, 0);
    memdir_add(d, "f-1.bin", buf, CAP_BYTES / 2);
    memdir_add(d, "f-2.bin", buf, CAP_BYTES / 2 + 4096); /* data starts at sector 8 */
    free(buf);
    memdir_add_text(d, "f.vmdk",
                    td_text("# Disk DescriptorFile\nversion=1\nCID=00000001\nparentCID=ffffffff\n"
                            "createType=\"twoGbMaxExtentFlat\"\nRW %u FLAT \"f-1.bin\" 0\n"
                            "RW %u FLAT \"f-2.bin\" 8\n",
                            CAP_SECTORS / 2, CAP_SECTORS / 2));
}

static const image_case image_cases[] = {
    {"monolithic sparse", "w.vmdk", make_single},
    {"zeroed-grain flag, short CID", "w.vmdk", make_zeroed},
    {"delta over a parent", "c.vmdk", make_delta},
    {"two flat extents", "f.vmdk", make_flat},
};

static unsigned long crash_points;

/* Rebuilds d2 from d's files: as they are, or as last flushed. */
static void snapshot(memdir *from, memdir *to, bool durable) {
    memdir_init(to);
    for (size_t i = 0; i < from->count; i++) {
        memdir_file *f = &from->files[i];
        memdir_add(to, f->name, durable ? f->durable : f->data,
                   durable ? f->durable_size : f->size);
    }
}

static void crash_case(const image_case *c) {
    memdir d;
    static uint8_t got[CAP_BYTES];
    memdir_init(&d);
    c->make(&d);
    int chk = 0;
    CHECK_ERR(read_all(&d, c->top, got, CAP_BYTES, &chk), 0);
    make_states(got);

    /* A full run: the calls to fail, and the end state after a clean close. */
    vb_source top;
    CHECK_ERR(open_rw(&d, c->top, &top, 1), 0);
    unsigned flushed;
    int err;
    CHECK_U64(run_workload(&flushed, &err), OPS);
    CHECK_ERR(err, 0);
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    unsigned long calls = d.writes + d.flushes;
    CHECK_ERR(read_all(&d, c->top, got, CAP_BYTES, &chk), 0);
    CHECK_ERR(chk, 0);
    CHECK(memcmp(got, states[OPS], CAP_BYTES) == 0);
    memdir_free(&d);

    for (unsigned long n = 0; n <= calls; n++) {
        memdir_init(&d);
        c->make(&d);
        d.keep_durable = true;
        d.fail_after = (long)n;
        unsigned begun = 0;
        flushed = 0;
        if (open_rw(&d, c->top, &top, 1) == 0) {
            begun = run_workload(&flushed, &err);
            /* The clean close may fail too; else the process dies here. */
            bool clean = err == 0 && vmdk_close_flush(&wdisk) == 0;
            if (clean)
                flushed = OPS;
            CHECK(clean == (n >= calls));
        }
        vmdk_close(&wdisk);
        memdir_source_free(&top);
        for (int durable = 0; durable <= 1; durable++) {
            memdir after;
            snapshot(&d, &after, durable);
            chk = 0;
            int r = read_all(&after, c->top, got, CAP_BYTES, &chk);
            if (r || chk || !grains_ok(got, flushed, begun)) {
                fprintf(stderr, "%s: crash after %lu calls (%s): open/read %s, check %s\n", c->what,
                        n, durable ? "power cut" : "process crash", vb_err_name(r),
                        vb_err_name(chk));
                test_failures++;
            }
            memdir_free(&after);
            crash_points++;
        }
        memdir_free(&d);
    }
    free_states();
}

TEST(test_crash_every_call) {
    for (size_t i = 0; i < sizeof(image_cases) / sizeof(image_cases[0]); i++)
        crash_case(&image_cases[i]);
    printf("test_vmdk_write: %lu crash points (process crash and power cut), invariant held\n",
           crash_points);
}

/* ---- exact bytes ---- */

static const memdir_file *file_of(memdir *d, const char *name) {
    return memdir_find(d, name);
}

TEST(test_new_grain_and_tables) {
    memdir d;
    memdir_init(&d);
    add_sparse(&d, "w.vmdk", embedded_desc("w.vmdk", "12345678", "ffffffff", NULL), 0, 0, 4, 7);
    uint64_t size0 = file_of(&d, "w.vmdk")->size;
    vb_source top;
    CHECK_ERR(open_rw(&d, "w.vmdk", &top, 1), 0);
    const vmdk_sparse_info *sp = &wdisk.extents[0].sparse;
    uint64_t gd = sp->gd_offset, rgd = sp->rgd_offset;
    uint8_t data[100];
    pattern_fill(data, sizeof(data), 3, 0);
    /* Grain 16*20 + 1: table 20 does not exist (tables 0..3 do). */
    uint64_t off = (uint64_t)(GTES * 20 + 1) * GRAIN_BYTES + 50;
    CHECK_ERR(vmdk_write(&wdisk, off, data, sizeof(data)), 0);
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    const memdir_file *f = file_of(&d, "w.vmdk");
    /* Two tables of one sector each, then the grain, at the old end. */
    CHECK_U64(f->size, size0 + 2 * 512 + GRAIN_BYTES);
    uint32_t t = (uint32_t)(size0 / 512);
    CHECK_U64(vb_le32(f->data + gd * 512 + 20 * 4), t);
    CHECK_U64(vb_le32(f->data + rgd * 512 + 20 * 4), t + 1);
    CHECK_U64(vb_le32(f->data + (uint64_t)t * 512 + 4), t + 2);
    CHECK_U64(vb_le32(f->data + (uint64_t)(t + 1) * 512 + 4), t + 2);
    uint8_t want[GRAIN_BYTES] = {0};
    memcpy(want + 50, data, sizeof(data));
    CHECK_MEM(f->data + (uint64_t)(t + 2) * 512, want, GRAIN_BYTES);
    CHECK_U64(f->data[72], 0); /* clean close */
    memdir_free(&d);
}

TEST(test_parent_fill_and_zeroed_grain) {
    memdir d;
    memdir_init(&d);
    make_delta(&d);
    vb_source top;
    CHECK_ERR(open_rw(&d, "c.vmdk", &top, 1), 0);
    uint8_t parent[GRAIN_BYTES], zeros[GRAIN_BYTES] = {0}, one = 0x5a;
    pattern_fill(parent, sizeof(parent), 9, 2 * GRAIN_BYTES);
    CHECK_ERR(vmdk_write(&wdisk, 2 * GRAIN_BYTES + 7, &one, 1), 0);
    CHECK_ERR(vmdk_write(&wdisk, 3 * GRAIN_BYTES, zeros, GRAIN_BYTES), 0);
    CHECK_U64(wdisk.extents[0].sparse.unclean_shutdown, 1);
    const memdir_file *f = file_of(&d, "c.vmdk");
    CHECK_U64(f->data[72], 1);
    /* Grain 3 is a zeroed-grain entry (GTE 1): no data stored. */
    uint32_t gt = vb_le32(f->data + wdisk.extents[0].sparse.gd_offset * 512);
    CHECK_U64(vb_le32(f->data + (uint64_t)gt * 512 + 3 * 4), 1);
    parent[7] = one;
    CHECK(td_read_equals(&(test_disk){&wdisk}, 2 * GRAIN_BYTES, parent, GRAIN_BYTES));
    CHECK(td_read_equals(&(test_disk){&wdisk}, 3 * GRAIN_BYTES, zeros, GRAIN_BYTES));
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    CHECK_U64(file_of(&d, "c.vmdk")->data[72], 0);
    memdir_free(&d);
}

/* The descriptor after the first write: only the CID value changed, the
 * rest of the old text NULs. */
static void check_cid(const uint8_t *text, size_t area, const char *before, const char *old_value,
                      uint32_t cid) {
    char want[1024], digits[16];
    snprintf(digits, sizeof(digits), "%08x", cid);
    const char *at = strstr(before, "\nCID=") + 5;
    size_t head = (size_t)(at - before);
    snprintf(want, sizeof(want), "%.*s%s%s", (int)head, before, digits, at + strlen(old_value));
    CHECK_MEM(text, want, strlen(want));
    for (size_t i = strlen(want); i < area; i++)
        if (text[i] != 0) {
            fprintf(stderr, "  byte %zu after the text is %02x\n", i, text[i]);
            test_failures++;
            break;
        }
}

TEST(test_cid_rewrite) {
    memdir d;
    memdir_init(&d);
    make_zeroed(&d); /* CID=1a: the new one is longer */
    const char *before = embedded_desc("w.vmdk", "1a", "ffffffff", NULL);
    vb_source top;
    CHECK_ERR(open_rw(&d, "w.vmdk", &top, 42), 0);
    CHECK_U64(wdisk.links[0].cid, 0x1a);
    uint8_t b = 1;
    CHECK_ERR(vmdk_write(&wdisk, 0, &b, 1), 0);
    uint32_t cid = wdisk.links[0].cid;
    CHECK(cid != 0x1a && cid < 0xfffffffeu);
    CHECK_ERR(vmdk_write(&wdisk, 1, &b, 1), 0);
    CHECK_U64(wdisk.links[0].cid, cid); /* once per open */
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    const memdir_file *f = file_of(&d, "w.vmdk");
    check_cid(f->data + 512, 20 * 512, before, "1a", cid);
    /* The reader sees the new CID. */
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "w.vmdk", NULL), 0);
    CHECK_U64(td.disk->links[0].cid, cid);
    td_close(&td);
    memdir_free(&d);

    /* A separate descriptor file; then a child made before sees ECID. */
    memdir_init(&d);
    make_flat(&d);
    char old_text[1024];
    snprintf(old_text, sizeof(old_text), "%.*s", (int)file_of(&d, "f.vmdk")->size,
             (const char *)file_of(&d, "f.vmdk")->data);
    add_sparse(&d, "child.vmdk", embedded_desc("child.vmdk", "00000002", "00000001", "f.vmdk"), 0,
               0, 0, 0);
    CHECK_ERR(open_rw(&d, "f.vmdk", &top, 7), 0);
    CHECK_ERR(vmdk_write(&wdisk, 4096, &b, 1), 0);
    cid = wdisk.links[0].cid;
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    f = file_of(&d, "f.vmdk");
    CHECK_U64(f->size, strlen(old_text));
    check_cid(f->data, f->size, old_text, "00000001", cid);
    CHECK_ERR(td_open(&td, &d, "child.vmdk", NULL), VB_ECID);
    char want[200];
    snprintf(want, sizeof(want),
             "child.vmdk: parentCID 00000001 does not match CID %08x of parent f.vmdk", cid);
    CHECK_STR(vmdk_detail(td.disk), want);
    td_close(&td);
    memdir_free(&d);
}

/* ---- refusals ---- */

typedef struct refusal {
    const char *what;
    const char *desc; /* f.vmdk's descriptor (flat files f-1.bin, f-2.bin exist) */
    uint64_t off, len;
    int err;
    const char *detail;
} refusal;

#define FLAT_DESC(a1, t1, a2)                                                                      \
    "# Disk DescriptorFile\nversion=1\nCID=00000001\nparentCID=ffffffff\n"                         \
    "createType=\"monolithicFlat\"\n" a1 " 1024 " t1 "\n" a2 " 1024 FLAT \"f-2.bin\" 0\n"

static const refusal refusals[] = {
    {"RDONLY extent", FLAT_DESC("RW", "FLAT \"f-1.bin\" 0", "RDONLY"), 1000, 1000000, VB_EREADONLY,
     "f.vmdk: write at byte 524288 hits RDONLY extent 1 (\"f-2.bin\")"},
    {"NOACCESS extent", FLAT_DESC("NOACCESS", "FLAT \"f-1.bin\" 0", "RW"), 600000, 10, VB_EREADONLY,
     NULL /* the first extent is not touched: accepted */},
    {"NOACCESS extent hit", FLAT_DESC("NOACCESS", "FLAT \"f-1.bin\" 0", "RW"), 1000, 600000,
     VB_ENOACCESS, "f.vmdk: write at byte 1000 hits NOACCESS extent 0 (\"f-1.bin\")"},
    {"data over ZERO", FLAT_DESC("RW", "ZERO", "RW"), 524000, 1000, VB_EREADONLY,
     "f.vmdk: write at byte 524000 puts non-zero data over ZERO extent 0"},
    {"past the capacity", FLAT_DESC("RW", "FLAT \"f-1.bin\" 0", "RW"), 1048000, 1000, VB_ERANGE,
     "write of 1000 bytes at offset 1048000 is past the capacity (1048576 bytes)"},
};

/* Every file of d equals the same file of ref. */
static bool unchanged(memdir *d, memdir *ref) {
    for (size_t i = 0; i < ref->count; i++) {
        memdir_file *a = &ref->files[i], *b = memdir_find(d, a->name);
        if (!b || a->size != b->size || memcmp(a->data, b->data, a->size) != 0) {
            fprintf(stderr, "  %s changed\n", a->name);
            return false;
        }
    }
    return true;
}

static void make_refusal_dir(memdir *d, const char *desc) {
    uint8_t *buf = calloc(1, 1 << 20);
    memdir_init(d);
    memdir_add(d, "f-1.bin", buf, 512 * 1024);
    memdir_add(d, "f-2.bin", buf, 512 * 1024);
    memdir_add_text(d, "f.vmdk", desc);
    free(buf);
}

TEST(test_refusals) {
    uint8_t *data = malloc(1 << 20);
    pattern_fill(data, 1 << 20, 77, 0);
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const refusal *c = &refusals[i];
        memdir d, ref;
        make_refusal_dir(&d, c->desc);
        make_refusal_dir(&ref, c->desc);
        vb_source top;
        test_current = c->what;
        CHECK_ERR(open_rw(&d, "f.vmdk", &top, 1), 0);
        int r = vmdk_write(&wdisk, c->off, data, c->len);
        if (c->detail) {
            CHECK_ERR(r, c->err);
            CHECK_STR(vmdk_detail(&wdisk), c->detail);
            vmdk_close(&wdisk);
            CHECK(unchanged(&d, &ref));
        } else {
            CHECK_ERR(r, 0);
            CHECK_ERR(vmdk_close_flush(&wdisk), 0);
        }
        memdir_source_free(&top);
        memdir_free(&d);
        memdir_free(&ref);
    }
    test_current = "test_refusals";

    /* Zeros over a ZERO extent are accepted (nothing to store). */
    memdir d;
    vb_source top;
    make_refusal_dir(&d, FLAT_DESC("RW", "ZERO", "RW"));
    CHECK_ERR(open_rw(&d, "f.vmdk", &top, 1), 0);
    memset(data, 0, 4096);
    CHECK_ERR(vmdk_write(&wdisk, 1000, data, 4096), 0);
    CHECK_ERR(vmdk_close_flush(&wdisk), 0);
    memdir_source_free(&top);
    memdir_free(&d);

    /* A read-only extent file, a read-only top file, a disk opened
     * read-only. */
    make_refusal_dir(&d, FLAT_DESC("RW", "FLAT \"f-1.bin\" 0", "RW"));
    memdir_find(&d, "f-2.bin")->readonly = true;
    CHECK_ERR(open_rw(&d, "f.vmdk", &top, 1), VB_EREADONLY);
    CHECK_STR(vmdk_detail(&wdisk), "f.vmdk: cannot open extent \"f-2.bin\": read-only");
    vmdk_close(&wdisk);
    memdir_source_free(&top);
    memdir_find(&d, "f.vmdk")->readonly = true;
    CHECK_ERR(open_rw(&d, "f.vmdk", &top, 1), VB_EREADONLY);
    memdir_free(&d);
    make_refusal_dir(&d, FLAT_DESC("RW", "FLAT \"f-1.bin\" 0", "RW"));
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "f.vmdk", NULL), 0);
    CHECK_ERR(vmdk_write(td.disk, 0, data, 1), VB_EREADONLY);
    CHECK_STR(vmdk_detail(td.disk), "f.vmdk: the disk was opened read-only");
    td_close(&td);
    memdir_free(&d);

    /* COWD and streamOptimized extents. */
    memdir_init(&d);
    sparse_spec cs = {IMG_COWD, CAP_SECTORS, GRAIN, 0, 0, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &cs);
    memdir_sparse_add(&d, "c.vmdk", &b);
    uint8_t *img;
    size_t size;
    uint8_t *raw = calloc(1, CAP_BYTES);
    stream_spec ss = {.capacity = CAP_SECTORS, .name = "s.vmdk"};
    stream_layout sl;
    stream_build(&ss, raw, &img, &size, &sl);
    memdir_add(&d, "s.vmdk", img, size);
    free(img);
    free(raw);
    stream_layout_free(&sl);
    memdir ref2;
    snapshot(&d, &ref2, false);
    CHECK_ERR(open_rw(&d, "c.vmdk", &top, 1), 0);
    CHECK_ERR(vmdk_write(&wdisk, 0, data, 10), VB_EUNSUPPORTED);
    CHECK_STR(vmdk_detail(&wdisk), "c.vmdk: extent 0 (\"c.vmdk\") is COWD, read-only: convert it "
                                   "to monolithicSparse to write");
    vmdk_close(&wdisk);
    memdir_source_free(&top);
    CHECK_ERR(open_rw(&d, "s.vmdk", &top, 1), 0);
    CHECK_ERR(vmdk_write(&wdisk, 0, data, 10), VB_EUNSUPPORTED);
    CHECK_STR(vmdk_detail(&wdisk), "s.vmdk: extent 0 (\"s.vmdk\") is streamOptimized, read-only: "
                                   "convert it to monolithicSparse to write");
    vmdk_close(&wdisk);
    memdir_source_free(&top);
    CHECK(unchanged(&d, &ref2));
    memdir_free(&d);
    memdir_free(&ref2);
    free(data);
}

/* After an unclean shutdown the redundant table may lack an entry the
 * primary has (the writer updates the primary first); with the image
 * closed cleanly that is corruption. */
TEST(test_check_lagging_redundant_copy) {
    for (int unclean = 0; unclean <= 1; unclean++) {
        memdir d;
        memdir_init(&d);
        sparse_spec spec = {IMG_KDMV, CAP_SECTORS, GRAIN, GTES, 1, VMDK_FLAG_REDUNDANT_GD,
                            true,     NULL,        0};
        sparse_builder b;
        uint8_t grain[GRAIN_BYTES], *img;
        size_t size;
        sparse_layout layout;
        sb_init(&b, &spec);
        pattern_fill(grain, sizeof(grain), 1, 0);
        sb_put(&b, 1, grain);
        sb_finish(&b, &img, &size, &layout);
        put_le32_at(img, layout.rgt[0] * 512 + 4, 0); /* the copy lacks grain 1 */
        img[72] = (uint8_t)unclean;
        memdir_add(&d, "u.vmdk", img, size);
        test_disk td;
        CHECK_ERR(td_open(&td, &d, "u.vmdk", NULL), 0);
        CHECK_ERR(vmdk_check(td.disk, NULL, NULL), unclean ? 0 : VB_ECORRUPT);
        td_close(&td);
        /* The reverse (the copy has an entry the primary lacks) never is. */
        put_le32_at(img, layout.rgt[0] * 512 + 4, vb_le32(img + layout.gt[0] * 512 + 4));
        put_le32_at(img, layout.gt[0] * 512 + 4, 0);
        memdir_add(&d, "u.vmdk", img, size);
        CHECK_ERR(td_open(&td, &d, "u.vmdk", NULL), 0);
        CHECK_ERR(vmdk_check(td.disk, NULL, NULL), VB_ECORRUPT);
        td_close(&td);
        free(img);
        sb_free_layout(&layout);
        sb_free(&b);
        memdir_free(&d);
    }
}

TEST(test_sizes) {
    printf("test_vmdk_write: sizeof(vmdk_disk) = %zu\n", sizeof(vmdk_disk));
}

TEST_MAIN(TEST_ENTRY(test_new_grain_and_tables), TEST_ENTRY(test_parent_fill_and_zeroed_grain),
          TEST_ENTRY(test_cid_rewrite), TEST_ENTRY(test_refusals),
          TEST_ENTRY(test_crash_every_call), TEST_ENTRY(test_check_lagging_redundant_copy),
          TEST_ENTRY(test_sizes))
