/* test_vmdk_stream_write.c: the streamOptimized writer
 * (core/vmdk/vmdk_stream_write.c): the exact bytes of every marker, table,
 * directory, footer and end-of-stream marker with a fake compressor; a
 * zlib-compressed image read back through the reader; refusals and a
 * failing output. */
#include <zlib.h>
#include "test.h"
#include "vmdk/vmdk_stream_write.h"
#include "vmdk_testutil.h"

#define SECTOR 512u

/* An output source over a growing heap buffer that only takes appends;
 * fail_at > 0 makes the write that would reach past that byte fail. */
typedef struct mem_sink {
    uint8_t *data;
    size_t size;
    uint64_t fail_at;
    int flushes, writes;
    vb_source src; /* the source over it, made by begin() */
} mem_sink;

static int sink_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    mem_sink *s = ctx;
    if (offset > s->size || len > s->size - offset)
        return VB_ERANGE;
    memcpy(buf, s->data + offset, len);
    return 0;
}

static int sink_write(void *ctx, uint64_t offset, const void *buf, size_t len) {
    mem_sink *s = ctx;
    if (offset != s->size)
        return VB_ERANGE; /* a sequential writer only appends */
    if (s->fail_at && offset + len > s->fail_at)
        return VB_EIO;
    s->data = realloc(s->data, s->size + len);
    memcpy(s->data + s->size, buf, len);
    s->size += len;
    s->writes++;
    return 0;
}
static int sink_flush(void *ctx) {
    ((mem_sink *)ctx)->flushes++;
    return 0;
}

/* Fake compressor: 'C', the input length (LE32) and the first input byte. */
static int fake_compress(void *ctx, const void *in, size_t in_len, void *out, size_t cap,
                         size_t *ret_len) {
    (void)ctx;
    uint8_t *o = out;
    if (cap < 6)
        return VB_ELIMIT;
    o[0] = 'C';
    o[1] = (uint8_t)in_len;
    o[2] = (uint8_t)(in_len >> 8);
    o[3] = (uint8_t)(in_len >> 16);
    o[4] = (uint8_t)(in_len >> 24);
    o[5] = ((const uint8_t *)in)[0];
    *ret_len = 6;
    return 0;
}
static int huge_compress(void *ctx, const void *in, size_t in_len, void *out, size_t cap,
                         size_t *ret_len) {
    (void)ctx, (void)in, (void)in_len, (void)out;
    *ret_len = cap + 1;
    return 0;
}
static int zlib_compress(void *ctx, const void *in, size_t in_len, void *out, size_t cap,
                         size_t *ret_len) {
    (void)ctx;
    uLongf n = cap;
    if (compress2(out, &n, in, in_len, 6) != Z_OK)
        return VB_ELIMIT;
    *ret_len = n;
    return 0;
}

static uint32_t le32(const uint8_t *p) {
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) {
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint32_t gd_mem[64];

static int begin(vmdk_stream_writer *w, mem_sink *s, uint64_t capacity, vmdk_compress_fn fn) {
    s->src = (vb_source){s, s->size, sink_read, sink_write, sink_flush};
    vmdk_swrite_options o = {
        .capacity = capacity,
        .cid = 0x12345678,
        .extent_name = "out.vmdk",
        .out = &s->src,
        .compress = fn,
        .gd = gd_mem,
        .gd_count = 64,
    };
    return vmdk_swrite_begin(w, &o);
}

static void check_header(const uint8_t *h, uint64_t capacity, uint64_t gd_offset) {
    CHECK(memcmp(h, "KDMV", 4) == 0);
    CHECK_U64(le32(h + 4), 3);
    CHECK_U64(le32(h + 8), 0x00030001u);
    CHECK_U64(le64(h + 12), capacity);
    CHECK_U64(le64(h + 20), 128);
    CHECK_U64(le64(h + 28), 1);
    CHECK_U64(le64(h + 36), 20);
    CHECK_U64(le32(h + 44), 512);
    CHECK_U64(le64(h + 48), 0);
    CHECK_U64(le64(h + 56), gd_offset);
    CHECK_U64(le64(h + 64), 128);
    CHECK(h[72] == 0 && memcmp(h + 73, "\n \r\n", 4) == 0);
    CHECK_U64(h[77] | h[78] << 8, 1);
    for (unsigned i = 79; i < SECTOR; i++)
        CHECK(h[i] == 0);
}

/* A metadata marker sector: val, size 0, type, then zeros. */
static void check_marker(const uint8_t *m, uint64_t val, uint32_t type) {
    CHECK_U64(le64(m), val);
    CHECK_U64(le32(m + 8), 0);
    CHECK_U64(le32(m + 12), type);
    for (unsigned i = 16; i < SECTOR; i++)
        CHECK(m[i] == 0);
}

/* A grain marker sector with the fake compressor's 6 bytes. */
static void check_grain(const uint8_t *m, uint64_t lba, uint32_t in_len, uint8_t first) {
    static const uint8_t zero[SECTOR];
    CHECK_U64(le64(m), lba);
    CHECK_U64(le32(m + 8), 6);
    CHECK(m[12] == 'C');
    CHECK_U64(le32(m + 13), in_len);
    CHECK(m[17] == first);
    CHECK(memcmp(m + 18, zero, SECTOR - 18) == 0);
}

/* 514 grains (the last one 5 sectors): grain 0, 512 and 513 stored, the
 * rest zero. Expected sectors: 0-127 header + descriptor, 128 grain 0,
 * 129 GT marker, 130-133 GT 0, 134 grain 512, 135 grain 513, 136 GT marker,
 * 137-140 GT 1, 141 GD marker, 142 GD, 143 footer marker, 144 footer,
 * 145 end of stream. */
TEST(test_layout_exact) {
    const uint64_t capacity = 128 * 513 + 5;
    static vmdk_stream_writer w;
    mem_sink s = {0};
    CHECK_ERR(begin(&w, &s, capacity, fake_compress), 0);
    CHECK_U64(s.size, 128 * SECTOR);
    static uint8_t grain[65536];
    for (uint64_t g = 0; g < 514; g++) {
        memset(grain, 0, sizeof(grain));
        if (g == 0 || g == 512 || g == 513)
            grain[0] = (uint8_t)(0xa0 + g % 16), grain[100] = 1;
        size_t len = (size_t)vmdk_swrite_grain_bytes(&w, g);
        CHECK_U64(len, g == 513 ? 5 * SECTOR : 65536);
        CHECK_ERR(vmdk_swrite_grain(&w, g, grain, len), 0);
    }
    CHECK_ERR(vmdk_swrite_finish(&w), 0);
    CHECK_U64(w.stored, 3);
    CHECK_U64(s.flushes, 1);
    CHECK_U64(s.size, 146 * SECTOR);
    if (s.size != 146 * SECTOR)
        return;
    const uint8_t *f = s.data;
    check_header(f, capacity, ~0ull);
    const char *desc = (const char *)f + SECTOR;
    CHECK_STR(desc, "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\n"
                    "createType=\"streamOptimized\"\n\n# Extent description\n"
                    "RW 65669 SPARSE \"out.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n"
                    "ddb.virtualHWVersion = \"4\"\nddb.geometry.cylinders = \"65\"\n"
                    "ddb.geometry.heads = \"16\"\nddb.geometry.sectors = \"63\"\n"
                    "ddb.adapterType = \"ide\"\n");
    for (size_t i = SECTOR + strlen(desc); i < 128 * SECTOR; i++)
        if (f[i] != 0) {
            CHECK(f[i] == 0);
            break;
        }
    check_grain(f + 128 * SECTOR, 0, 65536, 0xa0);
    check_marker(f + 129 * SECTOR, 4, 1);
    CHECK_U64(le32(f + 130 * SECTOR), 128);
    for (unsigned i = 1; i < 512; i++)
        CHECK_U64(le32(f + 130 * SECTOR + 4 * i), 0);
    check_grain(f + 134 * SECTOR, 512 * 128, 65536, 0xa0);
    check_grain(f + 135 * SECTOR, 513 * 128, 5 * SECTOR, 0xa1);
    check_marker(f + 136 * SECTOR, 4, 1);
    CHECK_U64(le32(f + 137 * SECTOR), 134);
    CHECK_U64(le32(f + 137 * SECTOR + 4), 135);
    for (unsigned i = 2; i < 512; i++)
        CHECK_U64(le32(f + 137 * SECTOR + 4 * i), 0);
    check_marker(f + 141 * SECTOR, 1, 2);
    CHECK_U64(le32(f + 142 * SECTOR), 130);
    CHECK_U64(le32(f + 142 * SECTOR + 4), 137);
    for (unsigned i = 8; i < SECTOR; i++)
        CHECK(f[142 * SECTOR + i] == 0);
    check_marker(f + 143 * SECTOR, 1, 3);
    check_header(f + 144 * SECTOR, capacity, 142);
    check_marker(f + 145 * SECTOR, 0, 0);
    free(s.data);
}

/* An empty disk: no grain, no table; an all-zero directory. */
TEST(test_all_zero) {
    static vmdk_stream_writer w;
    mem_sink s = {0};
    static uint8_t zero[65536];
    CHECK_ERR(begin(&w, &s, 256, fake_compress), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 0, zero, 65536), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 1, zero, 65536), 0);
    CHECK_ERR(vmdk_swrite_finish(&w), 0);
    CHECK_U64(s.size, 133 * SECTOR);
    check_marker(s.data + 128 * SECTOR, 1, 2);
    CHECK_U64(le32(s.data + 129 * SECTOR), 0);
    check_marker(s.data + 130 * SECTOR, 1, 3);
    check_header(s.data + 131 * SECTOR, 256, 129);
    free(s.data);
}

TEST(test_refusals) {
    static vmdk_stream_writer w;
    mem_sink s = {0};
    static uint8_t data[65536] = {1};
    CHECK_ERR(begin(&w, &s, 0, fake_compress), VB_EINVAL);
    /* 64 entries cover 64 * 512 grains. */
    CHECK_ERR(begin(&w, &s, 128ull * 512 * 64 + 1, fake_compress), VB_EINVAL);
    CHECK_ERR(begin(&w, &s, 1024, fake_compress), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 2, data, 65536), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 1, data, 65536), VB_EINVAL); /* out of order */
    CHECK_ERR(vmdk_swrite_grain(&w, 2, data, 65536), VB_EINVAL); /* twice */
    CHECK_ERR(vmdk_swrite_grain(&w, 8, data, 65536), VB_EINVAL); /* past the end */
    CHECK_ERR(vmdk_swrite_grain(&w, 3, data, 512), VB_EINVAL);   /* wrong length */
    CHECK_ERR(vmdk_swrite_grain(&w, 3, data, 65536), 0);
    free(s.data);
    s = (mem_sink){0};
    CHECK_ERR(begin(&w, &s, 1024, huge_compress), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 0, data, 65536), VB_ELIMIT);
    CHECK_ERR(vmdk_swrite_finish(&w), VB_ELIMIT); /* sticky */
    free(s.data);
}

/* The sink fails at the first grain, then at the footer: the error and its
 * detail come back, and stay. */
TEST(test_sink_failure) {
    static vmdk_stream_writer w;
    static uint8_t data[65536] = {1};
    mem_sink s = {.fail_at = 128 * SECTOR + 1};
    CHECK_ERR(begin(&w, &s, 1024, fake_compress), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 0, data, 65536), VB_EIO);
    CHECK_STR(vmdk_swrite_detail(&w), "write of 512 bytes at offset 65536 failed");
    CHECK_ERR(vmdk_swrite_grain(&w, 1, data, 65536), VB_EIO);
    CHECK_ERR(vmdk_swrite_finish(&w), VB_EIO);
    free(s.data);
    s = (mem_sink){.fail_at = 135 * SECTOR};
    CHECK_ERR(begin(&w, &s, 1024, fake_compress), 0);
    CHECK_ERR(vmdk_swrite_grain(&w, 0, data, 65536), 0);
    CHECK_ERR(vmdk_swrite_finish(&w), VB_EIO);
    CHECK_U64(s.flushes, 0);
    free(s.data);
}

/* Real zlib grains: the reader takes the file back (footer directory),
 * data, zeros and a partial last grain alike. */
TEST(test_read_back) {
    const uint64_t capacity = 128 * 1030 + 77; /* 3 grain tables */
    const size_t bytes = capacity * SECTOR;
    uint8_t *raw = calloc(1, bytes);
    for (size_t i = 0; i < bytes; i++) {
        uint64_t g = i / 65536;
        if (g % 3 != 1)
            raw[i] = (uint8_t)(i * 2654435761u >> 13) & (g % 5 ? 0xff : 0x03);
    }
    static vmdk_stream_writer w;
    mem_sink s = {0};
    CHECK_ERR(begin(&w, &s, capacity, zlib_compress), 0);
    for (uint64_t g = 0; g < 1031; g++)
        CHECK_ERR(vmdk_swrite_grain(&w, g, raw + g * 65536, (size_t)vmdk_swrite_grain_bytes(&w, g)),
                  0);
    CHECK_ERR(vmdk_swrite_finish(&w), 0);
    memdir d;
    memdir_init(&d);
    memdir_add(&d, "out.vmdk", s.data, s.size);
    test_disk td;
    CHECK_ERR(td_open(&td, &d, "out.vmdk", NULL), 0);
    CHECK_U64(vmdk_capacity(td.disk), bytes);
    CHECK(td_read_equals(&td, 0, raw, bytes));
    vmdk_run run;
    CHECK_ERR(vmdk_map(td.disk, 65536, &run), 0);
    CHECK(run.kind == VMDK_RUN_HOLE && run.length == 65536);
    CHECK_ERR(vmdk_check(td.disk, NULL, NULL), 0);
    td_close(&td);
    memdir_free(&d);
    free(s.data);
    free(raw);
}

TEST_MAIN(TEST_ENTRY(test_layout_exact), TEST_ENTRY(test_all_zero), TEST_ENTRY(test_refusals),
          TEST_ENTRY(test_sink_failure), TEST_ENTRY(test_read_back))
