/* vmdk_image.c: see vmdk_image.h. */
#include "vmdk_image.h"

#include <stdlib.h>
#include <string.h>

#define SECTOR 512u

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void put_le32_at(uint8_t *buf, size_t off, uint32_t v) {
    for (int i = 0; i < 4; i++)
        buf[off + i] = (uint8_t)(v >> (8 * i));
}

void put_le64_at(uint8_t *buf, size_t off, uint64_t v) {
    for (int i = 0; i < 8; i++)
        buf[off + i] = (uint8_t)(v >> (8 * i));
}

uint8_t pattern_byte(uint64_t seed, uint64_t i) {
    uint64_t x = (i >> 3) * 0x9e3779b97f4a7c15ull + seed * 0xbf58476d1ce4e5b9ull + 1;
    x ^= x >> 31;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 29;
    return (uint8_t)(x >> (8 * (i & 7)));
}

void pattern_fill(uint8_t *buf, size_t n, uint64_t seed, uint64_t start) {
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern_byte(seed, start + i);
}

void sb_init(sparse_builder *b, const sparse_spec *spec) {
    memset(b, 0, sizeof(*b));
    b->spec = *spec;
    b->gtes = spec->format == IMG_COWD ? 4096 : (spec->gtes ? spec->gtes : 512);
    uint64_t coverage = (uint64_t)b->gtes * spec->grain;
    b->gd_entries = (spec->capacity + coverage - 1) / coverage;
    b->tables = xcalloc((size_t)b->gd_entries, sizeof(*b->tables));
}

void sb_alloc_table(sparse_builder *b, uint64_t gd_index) {
    if (!b->tables[gd_index])
        b->tables[gd_index] = xcalloc(b->gtes, sizeof(uint32_t));
}

static uint32_t *entry(sparse_builder *b, uint64_t grain) {
    uint64_t gd = grain / b->gtes;
    sb_alloc_table(b, gd);
    return &b->tables[gd][grain % b->gtes];
}

void sb_put(sparse_builder *b, uint64_t grain, const void *data) {
    if (b->grains == b->grain_cap) {
        b->grain_cap = b->grain_cap ? b->grain_cap * 2 : 64;
        b->grain_data = realloc(b->grain_data, b->grain_cap * sizeof(*b->grain_data));
        if (!b->grain_data)
            abort();
    }
    size_t bytes = (size_t)(b->spec.grain * SECTOR);
    b->grain_data[b->grains] = xcalloc(1, bytes);
    memcpy(b->grain_data[b->grains], data, bytes);
    *entry(b, grain) = (uint32_t)(b->grains + 2);
    b->grains++;
}

void sb_put_pattern(sparse_builder *b, uint64_t grain, uint64_t seed, uint8_t *content) {
    size_t bytes = (size_t)(b->spec.grain * SECTOR);
    uint8_t *data = xcalloc(1, bytes);
    pattern_fill(data, bytes, seed, grain * bytes);
    sb_put(b, grain, data);
    uint64_t disk_bytes = b->spec.capacity * SECTOR;
    if (content && grain * bytes < disk_bytes)
        memcpy(content + grain * bytes, data,
               disk_bytes - grain * bytes < bytes ? (size_t)(disk_bytes - grain * bytes) : bytes);
    free(data);
}

void sb_put_zero(sparse_builder *b, uint64_t grain) {
    *entry(b, grain) = 1;
}

static uint64_t sectors_for(uint64_t bytes) {
    return (bytes + SECTOR - 1) / SECTOR;
}

void sb_finish(sparse_builder *b, uint8_t **ret_data, size_t *ret_size, sparse_layout *layout) {
    const sparse_spec *s = &b->spec;
    bool cowd = s->format == IMG_COWD;
    memset(layout, 0, sizeof(*layout));
    layout->gd_entries = b->gd_entries;
    layout->gt = xcalloc((size_t)b->gd_entries, sizeof(uint64_t));
    layout->rgt = xcalloc((size_t)b->gd_entries, sizeof(uint64_t));
    layout->grain_sector = xcalloc(b->grains, sizeof(uint64_t));
    layout->grains = b->grains;
    uint64_t gd_sectors = sectors_for(b->gd_entries * 4);
    uint64_t gt_sectors = sectors_for((uint64_t)b->gtes * 4);
    uint64_t desc_sectors = 0;
    if (s->descriptor) {
        desc_sectors = s->desc_sectors ? s->desc_sectors : sectors_for(strlen(s->descriptor) + 1);
        if (!s->desc_sectors && desc_sectors < 20)
            desc_sectors = 20;
    }
    uint64_t next = cowd ? 4 : 1 + desc_sectors;
    if (!cowd && s->redundant) {
        layout->rgd = next;
        next += gd_sectors;
        for (uint64_t i = 0; i < b->gd_entries; i++)
            if (b->tables[i]) {
                layout->rgt[i] = next;
                next += gt_sectors;
            }
    }
    layout->gd = next;
    next += gd_sectors;
    for (uint64_t i = 0; i < b->gd_entries; i++)
        if (b->tables[i]) {
            layout->gt[i] = next;
            next += gt_sectors;
        }
    if (!cowd) /* grains start on a grain boundary, like common writers */
        next = (next + s->grain - 1) / s->grain * s->grain;
    layout->grain_start = next;
    for (size_t k = 0; k < b->grains; k++) {
        layout->grain_sector[k] = next;
        next += s->grain;
    }
    size_t size = (size_t)(next * SECTOR);
    uint8_t *img = xcalloc(1, size);

    if (cowd) {
        memcpy(img, "COWD", 4);
        put_le32_at(img, 4, 1);
        put_le32_at(img, 8, 3);
        put_le32_at(img, 12, (uint32_t)s->capacity);
        put_le32_at(img, 16, (uint32_t)s->grain);
        put_le32_at(img, 20, (uint32_t)layout->gd);
        put_le32_at(img, 24, (uint32_t)b->gd_entries);
        put_le32_at(img, 28, (uint32_t)next);
    } else {
        memcpy(img, "KDMV", 4);
        put_le32_at(img, 4, s->version ? s->version : 1);
        put_le32_at(img, 8, s->flags);
        put_le64_at(img, 12, s->capacity);
        put_le64_at(img, 20, s->grain);
        put_le64_at(img, 28, s->descriptor ? 1 : 0);
        put_le64_at(img, 36, desc_sectors);
        put_le32_at(img, 44, b->gtes);
        put_le64_at(img, 48, layout->rgd);
        put_le64_at(img, 56, layout->gd);
        put_le64_at(img, 64, layout->grain_start);
        memcpy(img + 73, "\n \r\n", 4);
        if (s->descriptor)
            memcpy(img + SECTOR, s->descriptor, strlen(s->descriptor));
    }
    for (int copy = 0; copy < 2; copy++) {
        uint64_t gd = copy ? layout->rgd : layout->gd;
        uint64_t *gts = copy ? layout->rgt : layout->gt;
        if (copy && !layout->rgd)
            break;
        for (uint64_t i = 0; i < b->gd_entries; i++) {
            if (!b->tables[i])
                continue;
            put_le32_at(img, (size_t)(gd * SECTOR + i * 4), (uint32_t)gts[i]);
            for (uint32_t j = 0; j < b->gtes; j++) {
                uint32_t v = b->tables[i][j];
                uint32_t gte = v <= 1 ? v : (uint32_t)layout->grain_sector[v - 2];
                put_le32_at(img, (size_t)(gts[i] * SECTOR + (uint64_t)j * 4), gte);
            }
        }
    }
    for (size_t k = 0; k < b->grains; k++)
        memcpy(img + layout->grain_sector[k] * SECTOR, b->grain_data[k],
               (size_t)(s->grain * SECTOR));
    *ret_data = img;
    *ret_size = size;
}

uint8_t *sb_finish_file(sparse_builder *b, size_t *ret_size) {
    uint8_t *data;
    sparse_layout layout;
    sb_finish(b, &data, ret_size, &layout);
    sb_free_layout(&layout);
    sb_free(b);
    return data;
}

void sb_free(sparse_builder *b) {
    for (uint64_t i = 0; i < b->gd_entries; i++)
        free(b->tables[i]);
    free(b->tables);
    for (size_t k = 0; k < b->grains; k++)
        free(b->grain_data[k]);
    free(b->grain_data);
    memset(b, 0, sizeof(*b));
}

void sb_free_layout(sparse_layout *layout) {
    free(layout->gt);
    free(layout->rgt);
    free(layout->grain_sector);
    memset(layout, 0, sizeof(*layout));
}
