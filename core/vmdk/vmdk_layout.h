/* vmdk_layout.h: where everything goes in a new VMDK, as qemu-img lays it
 * out: the kinds the writer makes, their extents (2 GiB pieces for the
 * twoGbMaxExtent kinds) and file names, the metadata of a new hosted sparse
 * extent (64 KiB grains, 512-entry tables, redundant directory and tables
 * preallocated, overhead rounded to a grain) and its 512-byte header. Pure
 * arithmetic, every size overflow-checked. */
#ifndef VB_VMDK_LAYOUT_H
#define VB_VMDK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds vmdk_writer makes (createType values). */
typedef enum vmdk_create_type {
    VMDK_CREATE_MONOLITHIC_SPARSE = 0, /* "monolithicSparse": one KDMV file */
    VMDK_CREATE_SPLIT_SPARSE = 1,      /* "twoGbMaxExtentSparse": descriptor + NAME-sNNN */
    VMDK_CREATE_MONOLITHIC_FLAT = 2,   /* "monolithicFlat": descriptor + NAME-flat */
    VMDK_CREATE_SPLIT_FLAT = 3,        /* "twoGbMaxExtentFlat": descriptor + NAME-fNNN */
} vmdk_create_type;
#define VMDK_CREATE_TYPE_COUNT 4

#define VMDK_LAYOUT_GRAIN_SECTORS    128u         /* 64 KiB grains */
#define VMDK_LAYOUT_GTES             512u         /* entries per grain table (2 KiB) */
#define VMDK_LAYOUT_DESC_OFFSET      1u           /* embedded descriptor: sectors 1 .. */
#define VMDK_LAYOUT_DESC_SECTORS     20u          /* .. 20 (10 KiB), as qemu reserves */
#define VMDK_LAYOUT_SPLIT_SECTORS    4194304u     /* 2 GiB per twoGbMaxExtent* extent */
#define VMDK_LAYOUT_GT_SECTORS       4u           /* one grain table */
#define VMDK_LAYOUT_MAX_FILE_SECTORS (1ull << 32) /* GDEs and GTEs are 32-bit sectors */

/* createType name of a kind, or NULL; and the kind named s (any case). */
const char *vmdk_layout_type_name(vmdk_create_type type);
bool vmdk_layout_type_find(const char *s, vmdk_create_type *ret_type);
/* True for the kinds whose extents are hosted sparse (KDMV) files. */
bool vmdk_layout_type_sparse(vmdk_create_type type);

/* Where the metadata of a new hosted sparse extent of `capacity` sectors
 * goes (sectors of its file). */
typedef struct vmdk_layout_sparse {
    uint64_t capacity;   /* sectors of the extent */
    uint64_t grains;     /* grains covering it (the last one may be partial) */
    uint64_t gt_count;   /* grain tables = grain directory entries */
    uint64_t gd_sectors; /* sectors of one grain directory */
    uint64_t rgd_offset; /* redundant directory, then its tables */
    uint64_t rgt_offset;
    uint64_t gd_offset; /* primary directory, then its tables */
    uint64_t gt_offset;
    uint64_t overhead; /* first grain: the end of the tables rounded up to a grain */
} vmdk_layout_sparse;

/* Fills *ret for an extent of capacity sectors. VB_EINVAL for 0 sectors,
 * VB_ELIMIT when the file could outgrow 32-bit sector offsets (2 TiB). */
int vmdk_layout_sparse_init(uint64_t capacity, vmdk_layout_sparse *ret);

/* The largest capacity (sectors) one sparse extent can have. */
uint64_t vmdk_layout_sparse_max(void);

/* The extents of a new disk of `capacity` sectors: *ret_count of them
 * (VB_ELIMIT beyond VB_EXTENTS_MAX, or a monolithicSparse over
 * vmdk_layout_sparse_max, or a capacity whose bytes overflow 64 bits;
 * VB_EINVAL for 0 sectors). */
int vmdk_layout_extent_count(vmdk_create_type type, uint64_t capacity, uint64_t *ret_count);
/* Start and size (sectors) of extent `index`. */
void vmdk_layout_extent_span(vmdk_create_type type, uint64_t capacity, uint64_t index,
                             uint64_t *ret_start, uint64_t *ret_sectors);
/* File name of extent `index` of a disk whose top file is `top_name`, as
 * qemu-img names them: the top file itself (monolithicSparse), or the name
 * before its last '.' plus "-flat", "-sNNN" or "-fNNN" (NNN from 001) plus
 * the rest ("disk.vmdk" -> "disk-s001.vmdk"). VB_ELIMIT when it does not
 * fit cap. */
int vmdk_layout_extent_name(vmdk_create_type type, const char *top_name, uint64_t index, char *out,
                            size_t cap);

/* The 512-byte header of a new sparse extent (version 1, newline check and
 * redundant directory flags, no compression, uncleanShutdown 0). Like
 * qemu-img, every extent reserves the descriptor sectors, even the extents
 * of a split disk, whose descriptor is its own file. */
void vmdk_layout_header(const vmdk_layout_sparse *layout, uint8_t ret_header[512]);

#endif
