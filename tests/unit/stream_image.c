/* stream_image.c: VMware-layout streamOptimized writer for tests (see
 * stream_image.h), written from shared/docs/vmdk-format.md sections 3-4. */
#include "stream_image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SECTOR 512u

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

typedef struct out_buf {
    uint8_t *data;
    size_t size, cap;
} out_buf;

static void reserve(out_buf *o, size_t more) {
    if (o->size + more <= o->cap)
        return;
    while (o->size + more > o->cap)
        o->cap = o->cap ? o->cap * 2 : 1 << 20;
    o->data = realloc(o->data, o->cap);
    if (!o->data) {
        fprintf(stderr, "stream_image: out of memory\n");
        exit(2);
    }
}
/* Appends n bytes (NULL: zeros) and pads to a whole sector. */
static uint64_t append(out_buf *o, const void *p, size_t n) {
    uint64_t sector = o->size / SECTOR;
    size_t padded = (n + SECTOR - 1) / SECTOR * SECTOR;
    reserve(o, padded);
    if (p)
        memcpy(o->data + o->size, p, n);
    else
        memset(o->data + o->size, 0, n);
    memset(o->data + o->size + n, 0, padded - n);
    o->size += padded;
    return sector;
}
static uint64_t metadata_marker(out_buf *o, uint64_t sectors, uint32_t type) {
    uint8_t m[SECTOR] = {0};
    put64(m, sectors);
    put32(m + 12, type);
    return append(o, m, SECTOR);
}

void stream_header(uint8_t h[512], const stream_spec *spec, uint64_t desc_sectors,
                   uint64_t overhead, uint64_t gd_offset) {
    memset(h, 0, 512);
    memcpy(h, "KDMV", 4);
    put32(h + 4, spec->version ? spec->version : 3);
    put32(h + 8, 0x00030001u); /* newline check, compressed, markers */
    put64(h + 12, spec->capacity);
    put64(h + 20, spec->grain ? spec->grain : 128);
    put64(h + 28, 1);
    put64(h + 36, desc_sectors);
    put32(h + 44, spec->gtes ? spec->gtes : 512);
    put64(h + 48, 0);
    put64(h + 56, gd_offset);
    put64(h + 64, overhead);
    h[72] = 0;
    memcpy(h + 73, "\n \r\n", 4);
    h[77] = 1; /* compressAlgorithm deflate */
}

static size_t default_compress(const stream_spec *spec, const uint8_t *in, size_t n, uint8_t *out,
                               size_t cap) {
    int level = spec->level ? spec->level : 6;
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level, Z_DEFLATED, spec->raw_deflate ? -15 : 15, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        exit(2);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        fprintf(stderr, "stream_image: deflate failed\n");
        exit(2);
    }
    size_t got = z.total_out;
    deflateEnd(&z);
    return got;
}

void stream_build(const stream_spec *spec, const uint8_t *raw, uint8_t **ret_data, size_t *ret_size,
                  stream_layout *ret_layout) {
    const uint64_t grain = spec->grain ? spec->grain : 128;
    const uint32_t gtes = spec->gtes ? spec->gtes : 512;
    const size_t grain_bytes = grain * SECTOR;
    stream_layout *L = ret_layout;
    memset(L, 0, sizeof(*L));
    L->grains = (spec->capacity + grain - 1) / grain;
    L->gd_entries = (L->grains + gtes - 1) / gtes;
    L->grain_marker = calloc(L->grains + 1, sizeof(uint64_t));
    L->gt = calloc(L->gd_entries + 1, sizeof(uint64_t));

    char desc[1024];
    if (spec->descriptor) {
        snprintf(desc, sizeof(desc), "%s", spec->descriptor);
    } else {
        snprintf(desc, sizeof(desc),
                 "# Disk DescriptorFile\nversion=1\nCID=5eed5eed\nparentCID=ffffffff\n"
                 "createType=\"streamOptimized\"\n\n# Extent description\n"
                 "RDONLY %llu SPARSE \"%s\"\n\n# The Disk Data Base\n#DDB\n\n"
                 "ddb.virtualHWVersion = \"4\"\nddb.adapterType = \"ide\"\n",
                 (unsigned long long)spec->capacity, spec->name ? spec->name : "disk.vmdk");
    }
    size_t desc_len = strlen(desc);
    uint64_t desc_sectors = (desc_len + SECTOR - 1) / SECTOR;
    if (desc_sectors < 2)
        desc_sectors = 2;
    L->overhead = 1 + desc_sectors + 8;

    out_buf o = {0};
    uint8_t header[SECTOR];
    stream_header(header, spec, desc_sectors, L->overhead, ~0ull);
    append(&o, header, SECTOR);
    reserve(&o, desc_sectors * SECTOR);
    memset(o.data + o.size, 0, desc_sectors * SECTOR);
    memcpy(o.data + o.size, desc, desc_len);
    o.size += desc_sectors * SECTOR;
    append(&o, NULL, (L->overhead - 1 - desc_sectors) * SECTOR);

    /* Grains. */
    size_t cap = grain_bytes * 2 + 1024;
    uint8_t *buf = malloc(12 + cap), *padded = calloc(1, grain_bytes);
    for (uint64_t k = 0; k < L->grains; k++) {
        uint64_t g = spec->reverse ? L->grains - 1 - k : k;
        uint64_t first = g * grain;
        uint64_t sectors = spec->capacity - first < grain ? spec->capacity - first : grain;
        size_t n = sectors * SECTOR;
        const uint8_t *in = raw + first * SECTOR;
        bool zero = true;
        for (size_t i = 0; i < n && zero; i++)
            zero = in[i] == 0;
        if (zero && !spec->keep_zero_grains)
            continue;
        if (n < grain_bytes && spec->pad_last_grain) {
            memset(padded, 0, grain_bytes);
            memcpy(padded, in, n);
            in = padded;
            n = grain_bytes;
        }
        size_t clen = 0;
        if (spec->compress)
            clen = spec->compress(spec->compress_ctx, g, in, n, buf + 12, cap);
        if (!clen)
            clen = default_compress(spec, in, n, buf + 12, cap);
        put64(buf, first);
        put32(buf + 8, (uint32_t)clen);
        L->grain_marker[g] = append(&o, buf, 12 + clen);
    }
    free(buf);
    free(padded);

    /* Grain tables behind their markers, then the directory. */
    uint64_t gt_sectors = ((uint64_t)gtes * 4 + SECTOR - 1) / SECTOR;
    uint32_t *gt = calloc(gtes, 4);
    for (uint64_t d = 0; d < L->gd_entries; d++) {
        bool any = false;
        for (uint32_t e = 0; e < gtes; e++) {
            uint64_t g = d * gtes + e;
            uint64_t s = g < L->grains ? L->grain_marker[g] : 0;
            uint8_t le[4];
            put32(le, (uint32_t)s);
            memcpy(&gt[e], le, 4);
            any |= s != 0;
        }
        if (!any)
            continue;
        metadata_marker(&o, gt_sectors, 1);
        L->gt[d] = append(&o, gt, (size_t)gtes * 4);
    }
    free(gt);
    uint64_t gd_sectors = (L->gd_entries * 4 + SECTOR - 1) / SECTOR;
    uint8_t *gd = calloc(1, gd_sectors * SECTOR);
    for (uint64_t d = 0; d < L->gd_entries; d++)
        put32(gd + d * 4, (uint32_t)L->gt[d]);
    metadata_marker(&o, gd_sectors, 2);
    L->gd = append(&o, gd, gd_sectors * SECTOR);
    free(gd);

    /* Footer and end of stream. */
    metadata_marker(&o, 1, 3);
    stream_header(header, spec, desc_sectors, L->overhead, L->gd);
    L->footer = append(&o, header, SECTOR);
    L->eos = metadata_marker(&o, 0, 0);
    *ret_data = o.data;
    *ret_size = o.size;
}

void stream_layout_free(stream_layout *layout) {
    free(layout->grain_marker);
    free(layout->gt);
    layout->grain_marker = NULL;
    layout->gt = NULL;
}
