/* Robustness test: thousands of seeded random mutations of small valid
 * images (KDMV with embedded descriptor and redundant tables, COWD, a
 * split descriptor) go through open, read, map and check. Every call must
 * return 0 or a known negative code, every failure must leave a detail
 * line, and nothing may read out of bounds (run under SANITIZE=1 too). A
 * seed corpus-in-miniature for the fuzzers. */
#include "test.h"
#include "lib/util.h"
#include "vmdk_image.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint8_t *base_kdmv(size_t *size) {
    sparse_spec spec = {IMG_KDMV,
                        300,
                        8,
                        8,
                        2,
                        VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_REDUNDANT_GD | VMDK_FLAG_ZEROED_GTE,
                        true,
                        "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
                        "createType=\"monolithicSparse\"\nRW 300 SPARSE \"m.vmdk\"\n",
                        2};
    sparse_builder b;
    sb_init(&b, &spec);
    uint8_t g[4096];
    for (uint64_t i = 0; i < 38; i += 2) {
        pattern_fill(g, sizeof(g), 3, i);
        sb_put(&b, i, g);
    }
    sb_put_zero(&b, 5);
    return sb_finish_file(&b, size);
}

static uint8_t *base_cowd(size_t *size) {
    sparse_spec spec = {IMG_COWD, 9000, 2, 0, 0, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    uint8_t g[1024];
    for (uint64_t i = 0; i < 4500; i += 97) {
        pattern_fill(g, sizeof(g), 4, i);
        sb_put(&b, i, g);
    }
    return sb_finish_file(&b, size);
}

/* A delta link over m.vmdk (CID 1) whose third extent is m.vmdk itself, as
 * long as its header says: unmutated, it opens and reads back. */
static const char split_desc[] =
    "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=00000001\n"
    "parentFileNameHint=\"m.vmdk\"\n"
    "createType=\"custom\"\nRW 100 FLAT \"f.img\" 4\nRW 50 ZERO\n"
    "RDONLY 300 SPARSE \"m.vmdk\"\nNOACCESS 1 FLAT \"f.img\"\n";

static void mutate(uint8_t *p, size_t n, size_t hot) {
    int edits = 1 + (int)(rnd() % 4);
    for (int i = 0; i < edits; i++) {
        size_t at = (rnd() % 2) ? rnd() % VB_MIN(n, hot) : rnd() % n;
        switch (rnd() % 4) {
        case 0:
            p[at] = (uint8_t)rnd();
            break;
        case 1:
            p[at] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 2: /* a 32-bit field: boundary values */
            if (at + 4 <= n) {
                static const uint32_t v[] = {0, 1, 2, 3, 4, 0x7fffffff, 0xffffffff, 512, 513, 1024};
                put_le32_at(p, at & ~(size_t)3, v[rnd() % VB_ARRAY_SIZE(v)]);
            }
            break;
        default:
            p[at] = "\n\"= #\r0"[rnd() % 7];
            break;
        }
    }
}

static void report(void *ctx, int err, const char *problem) {
    (void)ctx;
    if (err >= 0 || err <= -VB_ERR_COUNT || problem[0] == '\0') {
        fprintf(stderr, "bad report %d \"%s\"\n", err, problem);
        test_failures++;
    }
}

static void exercise(memdir *d, const char *top) {
    test_disk td;
    vmdk_open_options opt = {false, (rnd() & 1) != 0};
    int r = td_open(&td, d, top, &opt);
    CHECK(r <= 0 && r > -VB_ERR_COUNT);
    if (r)
        CHECK(vmdk_detail(td.disk)[0] != '\0');
    if (r == 0) {
        vmdk_disk *disk = td.disk;
        uint64_t cap = vmdk_capacity(disk);
        static uint8_t buf[256 << 10];
        uint64_t len = VB_MIN(cap, (uint64_t)sizeof(buf));
        int rr = vmdk_read(disk, 0, buf, (size_t)len);
        CHECK(rr <= 0 && rr > -VB_ERR_COUNT);
        if (rr)
            CHECK(vmdk_detail(disk)[0] != '\0');
        rr = vmdk_read(disk, cap - len, buf, (size_t)len);
        CHECK(rr <= 0 && rr > -VB_ERR_COUNT);
        uint64_t off = 0;
        for (int i = 0; i < 200 && off < cap; i++) {
            vmdk_run run;
            if (vmdk_map(disk, off, &run) != 0)
                break;
            CHECK(run.offset == off && run.length > 0 && run.length <= cap - off);
            off += run.length;
        }
        rr = vmdk_check(disk, report, NULL);
        CHECK(rr <= 0 && rr > -VB_ERR_COUNT);
    }
    td_close(&td);
    CHECK_U64(d->opens, d->closes);
}

static void count_problem(void *ctx, int err, const char *problem) {
    (void)err;
    (void)problem;
    (*(unsigned *)ctx)++;
}

/* The unmutated images must open, read back exactly and check clean:
 * otherwise every mutation would fail to open too and the loop below would
 * pass having tested nothing. Each returns false (and has counted
 * failures) when a base is broken. */
static bool base_reads_back(memdir *d, const char *top, const uint8_t *want, size_t size) {
    test_disk td;
    vmdk_open_options opt = {false, false};
    int failures = test_failures;
    int r = td_open(&td, d, top, &opt);
    CHECK_ERR(r, 0);
    if (r == 0) {
        CHECK_U64(vmdk_capacity(td.disk), size);
        CHECK(td_read_equals(&td, 0, want, size));
        unsigned problems = 0;
        CHECK_ERR(vmdk_check(td.disk, count_problem, &problems), 0);
        CHECK_U64(problems, 0);
    } else {
        fprintf(stderr, "  %s: %s\n", top, vmdk_detail(td.disk));
    }
    td_close(&td);
    return test_failures == failures;
}

static bool bases_read_back(const uint8_t *kdmv, size_t ksize, const uint8_t *cowd, size_t csize,
                            const uint8_t *flat, size_t flat_size) {
    int failures = test_failures;
    /* The expected bytes follow the builders above. KDMV: 300 sectors,
     * 4 KiB grains; even grains hold pattern 3, the rest read as zeros
     * (holes, and grain 5, a zeroed GTE). */
    static uint8_t kwant[300 * 512];
    memset(kwant, 0, sizeof(kwant));
    for (size_t i = 0; i < 38; i += 2)
        pattern_fill(kwant + i * 4096, 4096, 3, i);
    /* COWD: 9000 sectors, 1 KiB grains; every 97th holds pattern 4. */
    uint8_t *cwant = calloc(9000, 512);
    for (size_t i = 0; i < 4500; i += 97)
        pattern_fill(cwant + i * 1024, 1024, 4, i);
    /* Split, a child of m.vmdk: f.img from sector 4, 50 zero sectors, the
     * KDMV as an extent (its holes read through to the same offset of the
     * parent m.vmdk, zeros past its end; its zeroed grain 5 stays zero),
     * then one NOACCESS sector (reads fail). */
    static uint8_t swant[450 * 512];
    memcpy(swant, flat + 4 * 512, 100 * 512);
    memset(swant + 100 * 512, 0, 50 * 512);
    for (size_t e = 0; e < 300 * 512; e++) {
        size_t grain = e / 4096, at = 150 * 512 + e;
        bool hole = grain % 2 == 1 && grain != 5;
        swant[at] = !hole ? kwant[e] : at < sizeof(kwant) ? kwant[at] : 0;
    }

    memdir d;
    memdir_init(&d);
    memdir_add(&d, "m.vmdk", kdmv, ksize);
    memdir_add(&d, "c.vmdk", cowd, csize);
    memdir_add(&d, "f.img", flat, flat_size);
    memdir_add(&d, "s.vmdk", split_desc, sizeof(split_desc) - 1);
    base_reads_back(&d, "m.vmdk", kwant, sizeof(kwant));
    base_reads_back(&d, "c.vmdk", cwant, (size_t)9000 * 512);
    test_disk td;
    vmdk_open_options opt = {false, false};
    int r = td_open(&td, &d, "s.vmdk", &opt);
    CHECK_ERR(r, 0);
    if (r == 0) {
        CHECK_U64(vmdk_capacity(td.disk), 451 * 512);
        CHECK(td_read_equals(&td, 0, swant, sizeof(swant)));
        uint8_t sector[512];
        CHECK_ERR(vmdk_read(td.disk, 450 * 512, sector, sizeof(sector)), VB_ENOACCESS);
    } else {
        fprintf(stderr, "  s.vmdk: %s\n", vmdk_detail(td.disk));
    }
    td_close(&td);
    memdir_free(&d);
    free(cwant);
    return test_failures == failures;
}

TEST(test_mutations) {
    size_t ksize, csize;
    uint8_t *kdmv = base_kdmv(&ksize);
    uint8_t *cowd = base_cowd(&csize);
    uint8_t flat[200 * 512];
    pattern_fill(flat, sizeof(flat), 5, 0);
    uint8_t *copy = malloc(VB_MAX(ksize, csize));
    if (!bases_read_back(kdmv, ksize, cowd, csize, flat, sizeof(flat))) {
        fprintf(stderr, "%s: an unmutated image does not read back; no mutations run\n",
                test_current);
        test_failures++;
        free(copy);
        free(kdmv);
        free(cowd);
        return;
    }
    /* VB_MUTATE_ITERS=N runs a longer hunt. */
    unsigned iters = getenv("VB_MUTATE_ITERS") ? (unsigned)atoi(getenv("VB_MUTATE_ITERS")) : 3000;
    for (unsigned iter = 0; iter < iters; iter++) {
        rng_state = 0x9e3779b97f4a7c15ull * (iter + 1);
        memdir d;
        memdir_init(&d);
        memdir_add(&d, "f.img", flat, sizeof(flat));
        switch (iter % 3) {
        case 0: /* KDMV with embedded descriptor: header, descriptor, tables */
            memcpy(copy, kdmv, ksize);
            mutate(copy, ksize, 6 * 512);
            memdir_add(&d, "m.vmdk", copy, ksize);
            exercise(&d, "m.vmdk");
            break;
        case 1: /* COWD: header and tables */
            memcpy(copy, cowd, csize);
            mutate(copy, csize, 6 * 512);
            memdir_add(&d, "c.vmdk", copy, csize);
            exercise(&d, "c.vmdk");
            break;
        default: { /* a separate descriptor over a (mutated) sparse parent */
            char text[sizeof(split_desc)];
            memcpy(text, split_desc, sizeof(text));
            mutate((uint8_t *)text, sizeof(text) - 1, sizeof(text));
            memdir_add(&d, "s.vmdk", text, strnlen(text, sizeof(text) - 1));
            memcpy(copy, kdmv, ksize);
            if (rnd() & 1)
                mutate(copy, ksize, 6 * 512);
            memdir_add(&d, "m.vmdk", copy, ksize);
            exercise(&d, "s.vmdk");
            break;
        }
        }
        memdir_free(&d);
    }
    free(copy);
    free(kdmv);
    free(cowd);
}

TEST_MAIN(TEST_ENTRY(test_mutations))
