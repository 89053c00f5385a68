/* vmdk_layout.c: the arithmetic of a new VMDK (see vmdk_layout.h): kinds,
 * extents, file names, sparse metadata placement and the sparse header.
 * Trusts only its arguments; every product and sum is overflow-checked. */
#include "vmdk/vmdk_layout.h"

#include "lib/error.h"
#include "lib/util.h"
#include "vb_config.h"

static const char *const type_names[VMDK_CREATE_TYPE_COUNT] = {
    [VMDK_CREATE_MONOLITHIC_SPARSE] = "monolithicSparse",
    [VMDK_CREATE_SPLIT_SPARSE] = "twoGbMaxExtentSparse",
    [VMDK_CREATE_MONOLITHIC_FLAT] = "monolithicFlat",
    [VMDK_CREATE_SPLIT_FLAT] = "twoGbMaxExtentFlat",
};

const char *vmdk_layout_type_name(vmdk_create_type type) {
    return vb_name_of(type_names, VB_ARRAY_SIZE(type_names), (unsigned)type, NULL);
}

bool vmdk_layout_type_find(const char *s, vmdk_create_type *ret_type) {
    unsigned v;
    if (!vb_name_find(type_names, VB_ARRAY_SIZE(type_names), s, vb_strlen(s), &v))
        return false;
    *ret_type = (vmdk_create_type)v;
    return true;
}

bool vmdk_layout_type_sparse(vmdk_create_type type) {
    return type == VMDK_CREATE_MONOLITHIC_SPARSE || type == VMDK_CREATE_SPLIT_SPARSE;
}

static uint64_t div_up(uint64_t a, uint64_t b) {
    return a / b + (a % b != 0);
}

int vmdk_layout_sparse_init(uint64_t capacity, vmdk_layout_sparse *ret) {
    vmdk_layout_sparse l;
    if (capacity == 0)
        return VB_EINVAL;
    /* Anything at or past 2^32 sectors cannot be addressed by a GTE; stop
     * before the products below could overflow. */
    if (capacity >= VMDK_LAYOUT_MAX_FILE_SECTORS)
        return VB_ELIMIT;
    l.capacity = capacity;
    l.grains = div_up(capacity, VMDK_LAYOUT_GRAIN_SECTORS);
    l.gt_count = div_up(l.grains, VMDK_LAYOUT_GTES);
    l.gd_sectors = div_up(l.gt_count * 4, 512);
    uint64_t gt_sectors = l.gt_count * VMDK_LAYOUT_GT_SECTORS;
    l.rgd_offset = VMDK_LAYOUT_DESC_OFFSET + VMDK_LAYOUT_DESC_SECTORS;
    l.rgt_offset = l.rgd_offset + l.gd_sectors;
    l.gd_offset = l.rgt_offset + gt_sectors;
    l.gt_offset = l.gd_offset + l.gd_sectors;
    uint64_t end = l.gt_offset + gt_sectors;
    l.overhead = div_up(end, VMDK_LAYOUT_GRAIN_SECTORS) * VMDK_LAYOUT_GRAIN_SECTORS;
    /* Every grain stored: the file's last sector must stay addressable. */
    if (l.grains * VMDK_LAYOUT_GRAIN_SECTORS > VMDK_LAYOUT_MAX_FILE_SECTORS - l.overhead)
        return VB_ELIMIT;
    *ret = l;
    return 0;
}

uint64_t vmdk_layout_sparse_max(void) {
    /* Overhead grows by about one grain per 32 Ki grains: search down from
     * the 32-bit limit to the first capacity that fits (a few steps). */
    vmdk_layout_sparse l;
    uint64_t c = VMDK_LAYOUT_MAX_FILE_SECTORS - VMDK_LAYOUT_GRAIN_SECTORS;
    while (vmdk_layout_sparse_init(c, &l) != 0)
        c -= VMDK_LAYOUT_GRAIN_SECTORS;
    return c;
}

static bool is_split(vmdk_create_type type) {
    return type == VMDK_CREATE_SPLIT_SPARSE || type == VMDK_CREATE_SPLIT_FLAT;
}

int vmdk_layout_extent_count(vmdk_create_type type, uint64_t capacity, uint64_t *ret_count) {
    uint64_t bytes;
    if (!vmdk_layout_type_name(type) || capacity == 0)
        return VB_EINVAL;
    if (vb_mul_overflow_u64(capacity, 512, &bytes))
        return VB_ELIMIT;
    if (type == VMDK_CREATE_MONOLITHIC_SPARSE && capacity > vmdk_layout_sparse_max())
        return VB_ELIMIT;
    uint64_t count = is_split(type) ? div_up(capacity, VMDK_LAYOUT_SPLIT_SECTORS) : 1;
    if (count > VB_EXTENTS_MAX)
        return VB_ELIMIT;
    *ret_count = count;
    return 0;
}

void vmdk_layout_extent_span(vmdk_create_type type, uint64_t capacity, uint64_t index,
                             uint64_t *ret_start, uint64_t *ret_sectors) {
    if (!is_split(type)) {
        *ret_start = 0;
        *ret_sectors = capacity;
        return;
    }
    uint64_t start = index * VMDK_LAYOUT_SPLIT_SECTORS;
    *ret_start = start;
    *ret_sectors = VB_MIN((uint64_t)VMDK_LAYOUT_SPLIT_SECTORS, capacity - start);
}

int vmdk_layout_extent_name(vmdk_create_type type, const char *top_name, uint64_t index, char *out,
                            size_t cap) {
    if (type == VMDK_CREATE_MONOLITHIC_SPARSE)
        return vb_strlcpy(out, top_name, cap) ? 0 : VB_ELIMIT;
    size_t len = vb_strlen(top_name), stem = len;
    for (size_t i = len; i > 0; i--) {
        if (top_name[i - 1] == '.') {
            stem = i - 1;
            break;
        }
    }
    char tag[32];
    if (type == VMDK_CREATE_MONOLITHIC_FLAT)
        vb_format(tag, sizeof(tag), "-flat");
    else
        vb_format(tag, sizeof(tag), "-%c%03llu", type == VMDK_CREATE_SPLIT_SPARSE ? 's' : 'f',
                  (unsigned long long)(index + 1));
    size_t tag_len = vb_strlen(tag);
    if (len >= cap || tag_len >= cap - len)
        return VB_ELIMIT;
    vb_memmove(out, top_name, stem);
    vb_memcpy(out + stem, tag, tag_len);
    vb_memmove(out + stem + tag_len, top_name + stem, len - stem);
    out[len + tag_len] = '\0';
    return 0;
}

/* KDMV header field offsets (vmdk-format.md section 3). */
enum {
    HDR_MAGIC = 0,
    HDR_VERSION = 4,
    HDR_FLAGS = 8,
    HDR_CAPACITY = 12,
    HDR_GRAIN = 20,
    HDR_DESC_OFFSET = 28,
    HDR_DESC_SIZE = 36,
    HDR_GTES = 44,
    HDR_RGD = 48,
    HDR_GD = 56,
    HDR_OVERHEAD = 64,
    HDR_UNCLEAN = 72,
    HDR_NEWLINES = 73,
    HDR_COMPRESS = 77,
};

void vmdk_layout_header(const vmdk_layout_sparse *layout, uint8_t h[512]) {
    vb_memset(h, 0, 512);
    vb_memcpy(h + HDR_MAGIC, "KDMV", 4);
    vb_put_le32(h + HDR_VERSION, 1);
    vb_put_le32(h + HDR_FLAGS, 0x3); /* newline check, redundant directory */
    vb_put_le64(h + HDR_CAPACITY, layout->capacity);
    vb_put_le64(h + HDR_GRAIN, VMDK_LAYOUT_GRAIN_SECTORS);
    vb_put_le64(h + HDR_DESC_OFFSET, VMDK_LAYOUT_DESC_OFFSET);
    vb_put_le64(h + HDR_DESC_SIZE, VMDK_LAYOUT_DESC_SECTORS);
    vb_put_le32(h + HDR_GTES, VMDK_LAYOUT_GTES);
    vb_put_le64(h + HDR_RGD, layout->rgd_offset);
    vb_put_le64(h + HDR_GD, layout->gd_offset);
    vb_put_le64(h + HDR_OVERHEAD, layout->overhead);
    h[HDR_UNCLEAN] = 0;
    vb_memcpy(h + HDR_NEWLINES, "\n \r\n", 4);
    h[HDR_COMPRESS] = 0; /* and byte 78: no compression */
}
