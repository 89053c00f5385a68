/* vmdk_image.h: builds small sparse extents (KDMV hosted sparse and COWD)
 * in memory for unit tests and fuzz seeds, written from the format notes
 * (shared/docs/vmdk-format.md sections 3 and 5), not from any other
 * implementation.
 *
 * Grains are stored in the order they are put, after all metadata, so a
 * test controls whether consecutive grains are contiguous in the file. The
 * returned layout tells where each table and grain went, so tests can
 * corrupt precise fields. */
#ifndef VB_TEST_VMDK_IMAGE_H
#define VB_TEST_VMDK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { IMG_KDMV = 1, IMG_COWD = 2 };

typedef struct sparse_spec {
    int format;             /* IMG_KDMV or IMG_COWD */
    uint64_t capacity;      /* sectors */
    uint64_t grain;         /* sectors per grain */
    uint32_t gtes;          /* KDMV entries per table (0 = 512); COWD always 4096 */
    uint32_t version;       /* KDMV header version (0 = 1) */
    uint32_t flags;         /* KDMV header flags, written as given */
    bool redundant;         /* KDMV: write a redundant GD and tables (set flag bit 1 yourself) */
    const char *descriptor; /* KDMV embedded descriptor text, or NULL */
    uint64_t desc_sectors;  /* sectors reserved for it (0 = enough, at least 20) */
} sparse_spec;

typedef struct sparse_layout {
    uint64_t gd, rgd; /* sectors */
    uint64_t gd_entries;
    uint64_t grain_start;   /* sector where grains begin (KDMV overHead) */
    uint64_t *gt;           /* per GD index: sector of its table, 0 if none */
    uint64_t *rgt;          /* per GD index: sector of the redundant table, 0 if none */
    uint64_t *grain_sector; /* per put grain (in put order): its sector */
    size_t grains;
} sparse_layout;

typedef struct sparse_builder {
    sparse_spec spec;
    uint64_t gd_entries;
    uint32_t gtes;
    uint32_t **tables;    /* per GD index: entries (0 hole, 1 zero, k+2 = k-th put grain) */
    uint8_t **grain_data; /* per put grain */
    size_t grains, grain_cap;
} sparse_builder;

void sb_init(sparse_builder *b, const sparse_spec *spec);
/* Stores one whole grain (grain * 512 bytes are copied). */
void sb_put(sparse_builder *b, uint64_t grain, const void *data);
/* Stores grain `grain` holding the test pattern of seed at the grain's
 * own disk offset (pattern_fill(seed, grain * grain bytes)); with content
 * (the whole disk, capacity * 512 bytes) the part of it inside the disk
 * is copied there too. */
void sb_put_pattern(sparse_builder *b, uint64_t grain, uint64_t seed, uint8_t *content);
/* Marks a grain as a zeroed-grain entry (GTE 1). */
void sb_put_zero(sparse_builder *b, uint64_t grain);
/* Allocates an (all-hole) table for GD index gd_index. */
void sb_alloc_table(sparse_builder *b, uint64_t gd_index);
/* Lays out and writes the file (malloc'd *ret_data) and fills *layout
 * (free with sb_free_layout). */
void sb_finish(sparse_builder *b, uint8_t **ret_data, size_t *ret_size, sparse_layout *layout);
/* sb_finish when the layout is not needed: returns the file (malloc'd)
 * and frees b. */
uint8_t *sb_finish_file(sparse_builder *b, size_t *ret_size);
void sb_free(sparse_builder *b);
void sb_free_layout(sparse_layout *layout);

/* Deterministic test content: byte i of stream `seed`. */
uint8_t pattern_byte(uint64_t seed, uint64_t i);
void pattern_fill(uint8_t *buf, size_t n, uint64_t seed, uint64_t start);

void put_le32_at(uint8_t *buf, size_t off, uint32_t v);
void put_le64_at(uint8_t *buf, size_t off, uint64_t v);

#endif
