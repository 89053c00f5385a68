/* Unit tests of streamOptimized extents (core/vmdk/vmdk_stream.c) on VMware-
 * layout files built in memory (stream_image.c): footer and header
 * directories, raw-deflate grains, partial last grains, versions, the
 * marker walk after a lost footer or directory, the grain cache and input
 * window, and one test per error path asserting its code. */
#include <zlib.h>
#include "stream_image.h"
#include "test.h"
#include "lib/util.h"
#include "vmdk/vmdk_internal.h"
#include "vmdk_testutil.h"

#define GRAIN    8u                 /* sectors: 4 KiB grains keep images small */
#define GTES     4u                 /* several grain tables */
#define CAPACITY (GRAIN * 40u + 3u) /* 40 grains and a partial one of 3 sectors */
#define NGRAINS  41u

static uint8_t raw[CAPACITY * 512];

static uint64_t rng_state = 1;
static uint64_t rnd(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Grain g: zeros when g % 5 == 0 (not stored), random when g % 5 == 1,
 * compressible text otherwise. The partial last grain is text. */
static void make_raw(void) {
    rng_state = 42;
    for (uint64_t g = 0; g < NGRAINS; g++) {
        uint8_t *p = raw + g * GRAIN * 512;
        size_t n = VB_MIN((uint64_t)GRAIN * 512, (uint64_t)CAPACITY * 512 - g * GRAIN * 512);
        for (size_t i = 0; i < n; i++)
            p[i] = g % 5 == 0   ? 0
                   : g % 5 == 1 ? (uint8_t)rnd()
                                : (uint8_t) "grain marker footer "[(i + g) % 20];
    }
}

static stream_spec base_spec(void) {
    stream_spec s;
    memset(&s, 0, sizeof(s));
    s.capacity = CAPACITY;
    s.grain = GRAIN;
    s.gtes = GTES;
    s.name = "s.vmdk";
    return s;
}

typedef struct image {
    uint8_t *data;
    size_t size;
    stream_layout layout;
} image;

static void build(image *img, const stream_spec *spec) {
    stream_build(spec, raw, &img->data, &img->size, &img->layout);
}
/* The image of base_spec(). */
static void build_base(image *img) {
    stream_spec spec = base_spec();
    build(img, &spec);
}
static void image_free(image *img) {
    free(img->data);
    stream_layout_free(&img->layout);
}

/* Opens data[0, size) as "s.vmdk". */
static int open_mem(test_disk *td, memdir *d, const uint8_t *data, size_t size) {
    memdir_init(d);
    memdir_add(d, "s.vmdk", data, size);
    return td_open(td, d, "s.vmdk", NULL);
}
static void close_mem(test_disk *td, memdir *d) {
    td_close(td);
    memdir_free(d);
}

/* The whole disk in one read, then in odd pieces. */
static void check_content(test_disk *td, const uint8_t *want) {
    CHECK(td_read_equals(td, 0, want, CAPACITY * 512));
    static const uint64_t cuts[][2] = {{0, 1},       {511, 1025},   {4095, 2},    {4096, 4096},
                                       {7000, 9000}, {40960, 1536}, {40961, 1535}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(cuts); i++)
        CHECK(td_read_equals(td, cuts[i][0], want + cuts[i][0], cuts[i][1]));
}

static const vmdk_sparse_info *sparse0(const test_disk *td) {
    return &td->disk->extents[0].sparse;
}

static uint64_t stored_grains(void) {
    uint64_t n = 0;
    for (uint64_t g = 0; g < NGRAINS; g++)
        n += g % 5 != 0;
    return n;
}

TEST(test_vmware_layout) {
    static const struct {
        const char *name;
        bool raw_deflate, pad_last, reverse;
        uint32_t version;
    } cases[] = {
        {"zlib v3", false, false, false, 3},          {"raw deflate", true, false, false, 3},
        {"padded last grain", false, true, false, 3}, {"version 1", false, false, false, 1},
        {"version 2 raw", true, true, false, 2},      {"reverse order", false, false, true, 3},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].name;
        stream_spec spec = base_spec();
        spec.raw_deflate = cases[i].raw_deflate;
        spec.pad_last_grain = cases[i].pad_last;
        spec.reverse = cases[i].reverse;
        spec.version = cases[i].version;
        image img;
        build(&img, &spec);
        memdir d;
        test_disk td;
        CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
        CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_FOOTER_GD);
        CHECK_U64(sparse0(&td)->gd_offset, img.layout.gd);
        CHECK_U64(sparse0(&td)->version, cases[i].version);
        CHECK_STR(td.disk->links[0].create_type, "streamOptimized");
        check_content(&td, raw);
        CHECK_ERR(vmdk_check(td.disk, NULL, NULL), 0);
        close_mem(&td, &d);
        image_free(&img);
    }
    test_current = "test_vmware_layout";
}

/* The header's own gdOffset pointing at the directory (qemu-img's way). */
TEST(test_header_directory) {
    image img;
    build_base(&img);
    vb_put_le64(img.data + 56, img.layout.gd);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
    CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_HEADER_GD);
    check_content(&td, raw);
    close_mem(&td, &d);
    /* ... and a header directory that is unusable falls back to the walk */
    vb_put_le64(img.data + 56, img.size / 512 + 10);
    CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
    CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
    check_content(&td, raw);
    close_mem(&td, &d);
    image_free(&img);
}

/* Footer and end-of-stream marker cut off: the marker walk maps every grain. */
TEST(test_walk_footer_cut) {
    for (int raw_deflate = 0; raw_deflate < 2; raw_deflate++) {
        stream_spec spec = base_spec();
        spec.raw_deflate = raw_deflate;
        image img;
        build(&img, &spec);
        memdir d;
        test_disk td;
        CHECK_ERR(open_mem(&td, &d, img.data, img.size - 1536), 0);
        CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
        const vmdk_stream_state *st = &td.disk->stream;
        CHECK_U64(st->walk_count, stored_grains());
        CHECK(st->walk_end == VMDK_WALK_EOF);
        CHECK_U64(st->walk_end_sector, (img.size - 1536) / 512);
        CHECK(st->walk_cause_text[0] != '\0');
        check_content(&td, raw);
        /* map: stored grains are data, the zero grains holes */
        vmdk_run run;
        CHECK_ERR(vmdk_map(td.disk, 0, &run), 0);
        CHECK(run.kind == VMDK_RUN_HOLE);
        CHECK_U64(run.length, GRAIN * 512);
        CHECK_ERR(vmdk_map(td.disk, GRAIN * 512, &run), 0);
        CHECK(run.kind == VMDK_RUN_DATA);
        CHECK_U64(run.length, 4 * GRAIN * 512);
        /* check reports the recovery with the cause's code */
        CHECK_ERR(vmdk_check(td.disk, NULL, NULL), st->walk_cause);
        close_mem(&td, &d);
        /* also with the last sectors of the footer only (marker kept) */
        CHECK_ERR(open_mem(&td, &d, img.data, img.size - 512), 0);
        CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
        check_content(&td, raw);
        close_mem(&td, &d);
        image_free(&img);
    }
}

/* A download cut inside grain 16 (random data: a long compressed grain):
 * grains before it read back, the rest are holes (zeros). */
TEST(test_walk_interrupted) {
    image img;
    build_base(&img);
    size_t cut = img.layout.grain_marker[16] * 512 + 100;
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img.data, cut), 0);
    const vmdk_stream_state *st = &td.disk->stream;
    CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
    CHECK(st->walk_end == VMDK_WALK_TRUNCATED);
    CHECK_U64(st->walk_end_sector, img.layout.grain_marker[16]);
    static uint8_t want[CAPACITY * 512];
    memcpy(want, raw, 16 * GRAIN * 512);
    memset(want + 16 * GRAIN * 512, 0, sizeof(want) - 16 * GRAIN * 512);
    check_content(&td, want);
    close_mem(&td, &d);
    image_free(&img);
}

/* Footer present but unusable, or missing its markers: walk. */
TEST(test_footer_unusable) {
    static const struct {
        const char *name;
        int what;
    } cases[] = {{"footer GD past EOF", 0},
                 {"footer marker type", 1},
                 {"EOS garbage", 2},
                 {"footer magic", 3},
                 {"GD entry past EOF", 4}};
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        test_current = cases[i].name;
        stream_spec spec = base_spec();
        image img;
        build(&img, &spec);
        uint8_t *footer = img.data + img.layout.footer * 512;
        switch (cases[i].what) {
        case 0:
            vb_put_le64(footer + 56, img.size / 512 + 100);
            break;
        case 1:
            vb_put_le32(footer - 512 + 12, 2);
            break;
        case 2:
            memset(img.data + img.layout.eos * 512, 0x5a, 512);
            break;
        case 3:
            footer[0] = 'X';
            break;
        case 4:
            vb_put_le32(img.data + img.layout.gd * 512 + 4, (uint32_t)(img.size / 512 + 7));
            break;
        }
        memdir d;
        test_disk td;
        CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
        CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
        check_content(&td, raw);
        close_mem(&td, &d);
        image_free(&img);
    }
    test_current = "test_footer_unusable";
}

/* A valid footer that contradicts the header is an error, not a walk. */
TEST(test_footer_mismatch) {
    static const int fields[] = {12, 20, 44, 77};
    for (size_t i = 0; i < VB_ARRAY_SIZE(fields); i++) {
        stream_spec spec = base_spec();
        image img;
        build(&img, &spec);
        uint8_t *footer = img.data + img.layout.footer * 512;
        if (fields[i] == 20)
            vb_put_le64(footer + 20, GRAIN * 2);
        else if (fields[i] == 44)
            vb_put_le32(footer + 44, GTES * 2);
        else if (fields[i] == 77)
            footer[78] = 1; /* compressAlgorithm 257: unsupported -> unusable footer */
        else
            vb_put_le64(footer + 12, CAPACITY - 1);
        memdir d;
        test_disk td;
        int r = open_mem(&td, &d, img.data, img.size);
        if (fields[i] == 77) {
            CHECK_ERR(r, 0); /* an unparsable footer: walked */
            CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
        } else {
            CHECK_ERR(r, VB_ECORRUPT);
            CHECK(strstr(vmdk_detail(td.disk), "footer does not match the header") != NULL);
        }
        close_mem(&td, &d);
        image_free(&img);
    }
}

/* Damaged grain g (open succeeds, reading that grain fails with err; the
 * other grains still read). */
static void expect_grain_error(const char *name, image *img, uint64_t g, int err,
                               const char *detail) {
    test_current = name;
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img->data, img->size), 0);
    uint8_t buf[GRAIN * 512];
    uint64_t off = g * GRAIN * 512;
    size_t n = (size_t)VB_MIN((uint64_t)sizeof(buf), (uint64_t)CAPACITY * 512 - off);
    CHECK_ERR(vmdk_read(td.disk, off, buf, n), err); /* whole grain: direct path */
    if (detail && !strstr(vmdk_detail(td.disk), detail)) {
        fprintf(stderr, "%s: detail \"%s\" lacks \"%s\"\n", name, vmdk_detail(td.disk), detail);
        test_failures++;
    }
    CHECK_ERR(vmdk_read(td.disk, off + 100, buf, 10), err); /* partial: cache path */
    CHECK(td_read_equals(&td, (g + 1) * GRAIN * 512, raw + (g + 1) * GRAIN * 512, 512));
    close_mem(&td, &d);
}

typedef struct bad_compress {
    uint64_t grain;
    int mode; /* 0 short, 1 long, 2 bad adler, 3 garbage */
} bad_compress;

static size_t compress_bad(void *ctx, uint64_t grain, const uint8_t *in, size_t n, uint8_t *out,
                           size_t cap) {
    const bad_compress *bc = ctx;
    if (grain != bc->grain)
        return 0;
    uLongf len = cap;
    static uint8_t longer[GRAIN * 512 + 512];
    switch (bc->mode) {
    case 0:
        compress2(out, &len, in, n - 512, 6);
        break;
    case 1:
        memcpy(longer, in, n);
        memset(longer + n, 'L', 512);
        compress2(out, &len, longer, n + 512, 6);
        break;
    case 2:
        compress2(out, &len, in, n, 6);
        out[len - 1] ^= 0x40;
        break;
    default:
        memset(out, 0xff, 64);
        len = 64;
        break;
    }
    return len;
}

TEST(test_grain_errors) {
    /* marker fields */
    static const struct {
        const char *name;
        int field; /* 0 LBA, 1 size 0, 2 size over bound, 3 GTE at metadata marker */
        const char *detail;
    } markers[] = {
        {"marker LBA mismatch", 0, "is for LBA"},
        {"compressed size 0", 1, "metadata marker"},
        {"compressed size over bound", 2, "more than a grain plus framing"},
        {"GTE at a GT marker", 3, "metadata marker"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(markers); i++) {
        stream_spec spec = base_spec();
        image img;
        build(&img, &spec);
        uint8_t *m = img.data + img.layout.grain_marker[7] * 512;
        switch (markers[i].field) {
        case 0:
            vb_put_le64(m, 8 * GRAIN);
            break;
        case 1:
            vb_put_le32(m + 8, 0);
            break;
        case 2:
            vb_put_le32(m + 8, GRAIN * 512 + GRAIN * 512 / 1024 + 65);
            break;
        case 3: /* grain table 1, entry 3 (grain 7) -> the GT marker */
            vb_put_le32(img.data + img.layout.gt[1] * 512 + 3 * 4,
                        (uint32_t)(img.layout.gt[1] - 1));
            break;
        }
        expect_grain_error(markers[i].name, &img, 7, VB_ECORRUPT, markers[i].detail);
        image_free(&img);
    }
    /* deflate data */
    static const struct {
        const char *name;
        int mode, err;
        const char *detail;
    } streams[] = {
        {"short deflate", 0, VB_EDEFLATE, "inflates to 3584 bytes"},
        {"long deflate", 1, VB_EDEFLATE, "output runs past"},
        {"bad Adler-32", 2, VB_ECHECKSUM, "Adler-32"},
        {"garbage deflate", 3, VB_EDEFLATE, "grain 12"},
    };
    for (size_t i = 0; i < VB_ARRAY_SIZE(streams); i++) {
        bad_compress bc = {12, streams[i].mode};
        stream_spec spec = base_spec();
        spec.compress = compress_bad;
        spec.compress_ctx = &bc;
        image img;
        build(&img, &spec);
        expect_grain_error(streams[i].name, &img, 12, streams[i].err, streams[i].detail);
        image_free(&img);
    }
    test_current = "test_grain_errors";
}

/* vmdk_check reads every grain marker: a wrong LBA, a size of 0 and a size
 * over the bound are each one problem; deflate data is not checked. */
static void count_problem(void *ctx, int err, const char *text) {
    (void)err;
    (void)text;
    ++*(int *)ctx;
}

TEST(test_check_markers) {
    image img;
    build_base(&img);
    vb_put_le64(img.data + img.layout.grain_marker[2] * 512, 9 * GRAIN);
    vb_put_le32(img.data + img.layout.grain_marker[3] * 512 + 8, 0);
    vb_put_le32(img.data + img.layout.grain_marker[4] * 512 + 8, 1u << 30);
    img.data[img.layout.grain_marker[6] * 512 + 40] ^= 0xff; /* deflate data: not seen */
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
    int problems = 0;
    CHECK_ERR(vmdk_check(td.disk, count_problem, &problems), VB_ECORRUPT);
    CHECK_U64(problems, 3);
    CHECK(strstr(vmdk_detail(td.disk), "grain 2: marker at sector") != NULL);
    close_mem(&td, &d);
    image_free(&img);
}

/* A compressed size that runs past the end of the file (64 KiB grains so
 * the size can stay under the bound). */
TEST(test_size_past_eof) {
    static uint8_t big[128 * 512 * 3];
    memset(big, 'b', sizeof(big));
    stream_spec spec = base_spec();
    spec.capacity = 3 * 128;
    spec.grain = 128;
    spec.gtes = 512;
    stream_layout layout;
    uint8_t *data;
    size_t size;
    stream_build(&spec, big, &data, &size, &layout);
    uint8_t *m = data + layout.grain_marker[2] * 512;
    vb_put_le32(m + 8, 65000);
    CHECK(layout.grain_marker[2] * 512 + 12 + 65000 > size);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, data, size), 0);
    uint8_t buf[512];
    CHECK_ERR(vmdk_read(td.disk, 2 * 65536, buf, sizeof(buf)), VB_ECORRUPT);
    CHECK(strstr(vmdk_detail(td.disk), "run past the end of the file") != NULL);
    CHECK(td_read_equals(&td, 0, big, 2 * 65536));
    close_mem(&td, &d);
    free(data);
    stream_layout_free(&layout);
}

/* A grain larger than VB_GRAIN_BYTES_MAX cannot be opened. */
TEST(test_grain_too_big) {
    image img;
    build_base(&img);
    uint64_t huge = VB_GRAIN_BYTES_MAX / 512 * 2;
    vb_put_le64(img.data + 20, huge);
    vb_put_le64(img.data + img.layout.footer * 512 + 20, huge);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img.data, img.size), VB_EUNSUPPORTED);
    CHECK(strstr(vmdk_detail(td.disk), "VB_GRAIN_BYTES_MAX") != NULL);
    close_mem(&td, &d);
    image_free(&img);
}

/* Sequential small reads inflate each grain once; whole-grain reads go
 * straight to the caller and do not touch the cache; the compressed input
 * of a small file comes in one platform read. */
TEST(test_cache_and_window) {
    image img;
    build_base(&img);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img.data, img.size), 0);
    vmdk_stream_state *st = &td.disk->stream;
    unsigned long reads_before = d.reads;
    for (uint64_t off = 0; off < CAPACITY * 512; off += 512)
        CHECK(td_read_equals(&td, off, raw + off, 512));
    CHECK_U64(st->grains_inflated, stored_grains());
    CHECK_U64(st->window_loads, 1);
    /* one window read plus the grain-table loads (the directory was read at open) */
    CHECK(d.reads - reads_before <= 1 + (NGRAINS + GTES - 1) / GTES);
    /* whole grains: inflated each time, straight into the buffer */
    uint64_t before = st->grains_inflated, hits = st->grain_cache_hits;
    CHECK(td_read_equals(&td, 2 * GRAIN * 512, raw + 2 * GRAIN * 512, GRAIN * 512));
    CHECK(td_read_equals(&td, 2 * GRAIN * 512, raw + 2 * GRAIN * 512, GRAIN * 512));
    CHECK_U64(st->grains_inflated, before + 2);
    CHECK_U64(st->grain_cache_hits, hits);
    /* a part of grain 3, then the whole of it: the second comes from the cache */
    CHECK(td_read_equals(&td, 3 * GRAIN * 512 + 7, raw + 3 * GRAIN * 512 + 7, 100));
    CHECK(td_read_equals(&td, 3 * GRAIN * 512, raw + 3 * GRAIN * 512, GRAIN * 512));
    CHECK_U64(st->grains_inflated, before + 3);
    CHECK_U64(st->grain_cache_hits, hits + 1);
    /* two grains alternately: both stay cached (2 entries) */
    before = st->grains_inflated;
    for (int k = 0; k < 6; k++) {
        uint64_t g = k % 2 ? 6 : 8;
        CHECK(td_read_equals(&td, g * GRAIN * 512 + 1, raw + g * GRAIN * 512 + 1, 10));
    }
    CHECK_U64(st->grains_inflated, before + 2);
    close_mem(&td, &d);
    image_free(&img);
}

/* A file larger than the input window: a sequential read refills the
 * window once per window's worth of compressed data, not once per grain
 * (regression: a grain crossing the window's end was taken for a random
 * access and read alone). Reads backwards read one grain at a time. */
TEST(test_window_sequential) {
    enum { G = 128, N = 48 }; /* 48 incompressible 64 KiB grains: 3 MiB */
    static uint8_t data[N * G * 512];
    rng_state = 7;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)rnd();
    stream_spec spec = base_spec();
    spec.capacity = N * G;
    spec.grain = G;
    spec.gtes = 512;
    uint8_t *img;
    size_t size;
    stream_layout layout;
    stream_build(&spec, data, &img, &size, &layout);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, img, size), 0);
    const vmdk_stream_state *st = &td.disk->stream;
    for (uint64_t off = 0; off < sizeof(data); off += 65536)
        CHECK(td_read_equals(&td, off, data + off, 65536));
    uint64_t per_window = VMDK_STREAM_WINDOW_BYTES - VMDK_STREAM_MAX_COMPRESSED(65536) - 512;
    CHECK(st->window_loads <= size / per_window + 1);
    CHECK_U64(st->grains_inflated, N);
    uint64_t loads = st->window_loads;
    for (uint64_t g = N; g-- > N - 4;)
        CHECK(td_read_equals(&td, g * 65536 + 5, data + g * 65536 + 5, 100));
    CHECK(st->window_loads <= loads + 4);
    close_mem(&td, &d);
    free(img);
    stream_layout_free(&layout);
}

/* The image of spec without its footer (the marker walk), then a second
 * copy of grain `grain` holding only `fill` bytes: the later copy wins. */
static void check_walk_duplicate(const stream_spec *spec, uint64_t grain, uint8_t fill) {
    image img;
    build(&img, spec);
    size_t size = img.size - 1536;
    static uint8_t want[CAPACITY * 512];
    memcpy(want, raw, sizeof(want));
    memset(want + grain * GRAIN * 512, fill, GRAIN * 512);
    uint8_t comp[GRAIN * 512 + 512];
    uLongf clen = sizeof(comp) - 12;
    compress2(comp + 12, &clen, want + grain * GRAIN * 512, GRAIN * 512, 9);
    vb_put_le64(comp, grain * GRAIN);
    vb_put_le32(comp + 8, (uint32_t)clen);
    size_t padded = (12 + clen + 511) / 512 * 512;
    uint8_t *file = calloc(1, size + padded);
    memcpy(file, img.data, size);
    memcpy(file + size, comp, 12 + clen);
    memdir d;
    test_disk td;
    CHECK_ERR(open_mem(&td, &d, file, size + padded), 0);
    CHECK(sparse0(&td)->stream_layout == VMDK_STREAM_WALKED);
    CHECK_U64(td.disk->stream.walk_count, stored_grains());
    check_content(&td, want);
    close_mem(&td, &d);
    free(file);
    image_free(&img);
}

/* Out-of-order and duplicated grains through the walk: sorted, the later
 * copy wins. */
TEST(test_walk_order_and_duplicates) {
    stream_spec spec = base_spec();
    spec.reverse = true;
    check_walk_duplicate(&spec, 3, 'N');
}

/* Grains in order, then a second copy of the last one: the walk sees its
 * markers sorted, and the later copy must still win (a regression: the
 * duplicate was only dropped when the walk had to sort). */
TEST(test_walk_sorted_duplicate) {
    stream_spec spec = base_spec();
    check_walk_duplicate(&spec, NGRAINS - 2, 'L'); /* the last stored grain (40 is all zeros) */
}

/* The walk map has VB_STREAM_WALK_GRAINS_MAX entries: one more grain is
 * VB_ELIMIT. One-sector grains, all with the same compressed bytes. */
typedef struct same_ctx {
    uint8_t bytes[64];
    size_t len;
} same_ctx;
static size_t compress_same(void *ctx, uint64_t grain, const uint8_t *in, size_t n, uint8_t *out,
                            size_t cap) {
    (void)grain;
    (void)in;
    (void)n;
    (void)cap;
    const same_ctx *s = ctx;
    memcpy(out, s->bytes, s->len);
    return s->len;
}

TEST(test_walk_limit) {
    for (int extra = 0; extra < 2; extra++) {
        uint64_t grains = VB_STREAM_WALK_GRAINS_MAX + (uint64_t)extra;
        uint8_t *data = malloc(grains * 512);
        memset(data, 1, grains * 512);
        same_ctx sc;
        uint8_t one[512];
        memset(one, 1, sizeof(one));
        uLongf len = sizeof(sc.bytes);
        compress2(sc.bytes, &len, one, sizeof(one), 9);
        sc.len = len;
        stream_spec spec = base_spec();
        spec.capacity = grains;
        spec.grain = 1;
        spec.gtes = 512;
        spec.compress = compress_same;
        spec.compress_ctx = &sc;
        uint8_t *img;
        size_t size;
        stream_layout layout;
        stream_build(&spec, data, &img, &size, &layout);
        memdir d;
        test_disk td;
        int r = open_mem(&td, &d, img, size - 1536);
        if (extra) {
            CHECK_ERR(r, VB_ELIMIT);
            CHECK(strstr(vmdk_detail(td.disk), "VB_STREAM_WALK_GRAINS_MAX") != NULL);
        } else {
            CHECK_ERR(r, 0);
            CHECK_U64(td.disk->stream.walk_count, grains);
            CHECK(td_read_equals(&td, (grains - 1) * 512, one, 512));
        }
        close_mem(&td, &d);
        free(img);
        free(data);
        stream_layout_free(&layout);
    }
}

/* Two extents that both need the walk: the second is VB_ELIMIT. */
TEST(test_walk_one_extent_per_disk) {
    image img;
    build_base(&img);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "a.vmdk", img.data, img.size - 1536);
    memdir_add(&d, "b.vmdk", img.data, img.size - 1536);
    memdir_add(&d, "c.vmdk", img.data, img.size);
    memdir_add_text(&d, "two.vmdk",
                    td_text("# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
                            "createType=\"custom\"\nRW %u SPARSE \"c.vmdk\"\nRW %u SPARSE "
                            "\"a.vmdk\"\n",
                            CAPACITY, CAPACITY));
    memdir_add_text(&d, "three.vmdk",
                    td_text("# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
                            "createType=\"custom\"\nRW %u SPARSE \"a.vmdk\"\nRW %u SPARSE "
                            "\"b.vmdk\"\n",
                            CAPACITY, CAPACITY));
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "two.vmdk", NULL), 0);
    CHECK(td_read_equals(&td, 0, raw, sizeof(raw)));
    CHECK(td_read_equals(&td, sizeof(raw), raw, sizeof(raw)));
    td_close(&td);
    CHECK_ERR(td_open(&td, &d, "three.vmdk", NULL), VB_ELIMIT);
    td_close(&td);
    /* and a fresh open after that starts clean */
    CHECK_ERR(td_open(&td, &d, "a.vmdk", NULL), 0);
    CHECK(td_read_equals(&td, 0, raw, sizeof(raw)));
    td_close(&td);
    memdir_free(&d);
    image_free(&img);
}

/* Platform read errors are not papered over by the walk. */
TEST(test_io_error_not_walked) {
    image img;
    build_base(&img);
    memdir d;
    memdir_init(&d);
    memdir_file *f = memdir_add(&d, "s.vmdk", img.data, img.size);
    f->fail_from = img.layout.gd * 512;
    f->fail_to = f->fail_from + 1;
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", NULL), VB_EIO);
    td_close(&td);
    memdir_free(&d);
    image_free(&img);
}

TEST(test_layout_names) {
    CHECK_STR(vmdk_stream_layout_name(VMDK_STREAM_WALKED), "recovered by marker walk");
    CHECK_STR(vmdk_stream_layout_name(VMDK_STREAM_FOOTER_GD), "grain directory from the footer");
    CHECK_STR(vmdk_walk_end_name(VMDK_WALK_TRUNCATED), "data cut off by the end of file");
}

/* ---- memory the caller lends (vmdk_open_options.memory) ---------------- */

/* An allocator that counts calls, can fail, and checks that what is given
 * back is what it lent. */
typedef struct lender {
    unsigned allocs, frees;
    int fail;       /* returned by alloc when non-zero */
    bool give_null; /* alloc succeeds but returns NULL */
    bool misalign;  /* alloc returns a pointer 4 bytes past an aligned one */
    void *block, *lent;
    size_t bytes;
} lender;

static int lender_alloc(void *ctx, size_t bytes, void **ret_ptr) {
    lender *l = ctx;
    l->allocs++;
    l->bytes = bytes;
    if (l->fail)
        return l->fail;
    l->block = malloc(bytes + 8);
    l->lent = l->give_null ? NULL : (uint8_t *)l->block + (l->misalign ? 4 : 0);
    *ret_ptr = l->lent;
    return 0;
}

static void lender_free(void *ctx, void *ptr, size_t bytes) {
    lender *l = ctx;
    l->frees++;
    CHECK(ptr == l->lent);
    CHECK_U64(bytes, l->bytes);
    free(l->block);
    l->block = l->lent = NULL;
}

static vmdk_open_options lender_options(lender *l) {
    vmdk_open_options o;
    memset(&o, 0, sizeof(o));
    memset(l, 0, sizeof(*l));
    o.memory = (vb_allocator){l, lender_alloc, lender_free};
    return o;
}

/* A disk without compressed extents stays small (the loader keeps one in
 * its image) and never borrows memory. */
TEST(test_memory_disk_size) {
    CHECK(sizeof(vmdk_disk) <= 512u * 1024u);
    CHECK(sizeof(vmdk_disk) <= VB_VMDK_DISK_BYTES_MAX);
    static uint8_t flat[4096];
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "f.img", flat, sizeof(flat));
    memdir_add_text(&d, "f.vmdk",
                    "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
                    "createType=\"monolithicFlat\"\nRW 8 FLAT \"f.img\" 0\n");
    lender l;
    vmdk_open_options o = lender_options(&l);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "f.vmdk", &o), 0);
    CHECK(td_read_equals(&td, 0, flat, sizeof(flat)));
    td_close(&td);
    CHECK_U64(l.allocs, 0);
    CHECK_U64(l.frees, 0);
    memdir_free(&d);
}

/* The detail of s.vmdk refused its stream buffers; why ends it. */
static const char *buffers_detail(const char *why) {
    static char text[VB_DETAIL_MAX];
    snprintf(text, sizeof(text),
             "s.vmdk: a compressed (streamOptimized) extent needs %zu bytes of buffers, %s",
             (size_t)VMDK_STREAM_BUFFER_BYTES, why);
    return text;
}

/* Opening a compressed extent with no allocator, or with one that fails:
 * VB_ELIMIT naming the file and the bytes needed. */
TEST(test_memory_refused) {
    static vmdk_disk disk;
    image img;
    build_base(&img);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "s.vmdk", img.data, img.size);

    vb_source top;
    vb_opener opener;
    memdir_opener(&d, &opener);
    CHECK_ERR(memdir_source(&d, "s.vmdk", &top), 0);
    CHECK_ERR(vmdk_open(&disk, &top, "s.vmdk", &opener, NULL), VB_ELIMIT);
    CHECK_STR(vmdk_detail(&disk), buffers_detail("but no allocator was given"));
    vmdk_close(&disk);
    memdir_source_free(&top);
    CHECK_U64(d.opens, d.closes);

    lender l;
    vmdk_open_options o = lender_options(&l);
    l.fail = VB_ELIMIT;
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", &o), VB_ELIMIT);
    CHECK_STR(vmdk_detail(td.disk),
              buffers_detail("and the allocator could not provide them (limit exceeded)"));
    td_close(&td);
    CHECK_U64(l.allocs, 1);
    CHECK_U64(l.frees, 0);
    CHECK_U64(l.bytes, VMDK_STREAM_BUFFER_BYTES);

    o = lender_options(&l);
    l.give_null = true;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", &o), VB_ELIMIT);
    CHECK_STR(vmdk_detail(td.disk),
              buffers_detail("and the allocator could not provide them (no memory returned)"));
    td_close(&td);
    free(l.block);

    /* Misaligned memory is refused and given straight back. */
    o = lender_options(&l);
    l.misalign = true;
    CHECK_ERR(td_open(&td, &d, "s.vmdk", &o), VB_EINVAL);
    CHECK_STR(vmdk_detail(td.disk),
              "s.vmdk: the allocator returned memory that is not 8-byte aligned");
    CHECK_U64(l.frees, 1);
    td_close(&td);
    CHECK_U64(l.frees, 1);
    memdir_free(&d);
    image_free(&img);
}

/* One block per disk however many compressed extents it has, given back by
 * vmdk_close, also when the open fails after borrowing it. */
TEST(test_memory_lent_once) {
    image img;
    build_base(&img);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "a.vmdk", img.data, img.size);
    const char *fmt = "# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\n"
                      "createType=\"custom\"\nRW %u SPARSE \"a.vmdk\"\nRW %u SPARSE \"%s\"\n";
    memdir_add_text(&d, "two.vmdk", td_text(fmt, CAPACITY, CAPACITY, "a.vmdk"));
    memdir_add_text(&d, "gone.vmdk", td_text(fmt, CAPACITY, CAPACITY, "missing.vmdk"));
    lender l;
    vmdk_open_options o = lender_options(&l);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "two.vmdk", &o), 0);
    CHECK(td_read_equals(&td, 0, raw, sizeof(raw)));
    CHECK(td_read_equals(&td, sizeof(raw), raw, sizeof(raw)));
    CHECK_U64(l.allocs, 1);
    CHECK_U64(l.frees, 0);
    CHECK_U64(l.bytes, VMDK_STREAM_BUFFER_BYTES);
    td_close(&td);
    CHECK_U64(l.frees, 1);
    td_close(&td); /* twice is allowed, and frees nothing more */
    CHECK_U64(l.frees, 1);

    o = lender_options(&l);
    CHECK_ERR(td_open(&td, &d, "gone.vmdk", &o), VB_ENOTFOUND);
    CHECK_U64(l.allocs, 1);
    CHECK_U64(l.frees, 1);
    td_close(&td);
    CHECK_U64(l.frees, 1);
    memdir_free(&d);
    image_free(&img);
}

static void setup(void) {
    make_raw();
}

TEST_MAIN(TEST_ENTRY(setup), TEST_ENTRY(test_vmware_layout), TEST_ENTRY(test_header_directory),
          TEST_ENTRY(test_walk_footer_cut), TEST_ENTRY(test_walk_interrupted),
          TEST_ENTRY(test_footer_unusable), TEST_ENTRY(test_footer_mismatch),
          TEST_ENTRY(test_grain_errors), TEST_ENTRY(test_size_past_eof),
          TEST_ENTRY(test_check_markers), TEST_ENTRY(test_grain_too_big),
          TEST_ENTRY(test_cache_and_window), TEST_ENTRY(test_window_sequential),
          TEST_ENTRY(test_walk_order_and_duplicates), TEST_ENTRY(test_walk_sorted_duplicate),
          TEST_ENTRY(test_walk_limit), TEST_ENTRY(test_walk_one_extent_per_disk),
          TEST_ENTRY(test_io_error_not_walked), TEST_ENTRY(test_layout_names),
          TEST_ENTRY(test_memory_disk_size), TEST_ENTRY(test_memory_refused),
          TEST_ENTRY(test_memory_lent_once))
