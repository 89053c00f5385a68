/* vmdk_descgen.h: the text descriptor of a new disk, as qemu-img writes
 * it: header keys, one extent line per extent, and the ddb lines (IDE
 * geometry, virtualHWVersion 4, toolsVersion). */
#ifndef VB_VMDK_DESCGEN_H
#define VB_VMDK_DESCGEN_H

#include <stddef.h>
#include <stdint.h>
#include "vmdk/vmdk_layout.h"

typedef struct vmdk_descgen_params {
    vmdk_create_type type;
    uint64_t capacity;       /* sectors */
    const char *top_name;    /* the top file's name (extent names derive from it) */
    uint32_t cid;            /* this link's CID */
    uint32_t parent_cid;     /* 0xffffffff for a base */
    const char *parent_hint; /* parentFileNameHint of a delta link, or NULL */
} vmdk_descgen_params;

/* Writes the descriptor text (NUL-terminated) into out[0..cap) and sets
 * *ret_len to its length without the NUL. VB_ELIMIT when it does not fit,
 * VB_EINVAL for a name or hint holding '"' or a line break, or a capacity
 * vmdk_layout_extent_count refuses (its error). */
int vmdk_descgen_text(const vmdk_descgen_params *p, char *out, size_t cap, size_t *ret_len);

#endif
