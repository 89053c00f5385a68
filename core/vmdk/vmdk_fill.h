/* vmdk_fill.h: filling one new hosted sparse extent front to back: grains
 * are appended in disk order after the preallocated metadata, the entries
 * of one grain table (2 KiB, 32 MiB of disk) are collected and written to
 * both table copies when its range is done, and the header goes last,
 * after a flush, so a file cut short anywhere is not a valid extent. */
#ifndef VB_VMDK_FILL_H
#define VB_VMDK_FILL_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"
#include "vmdk/vmdk_layout.h"

#define VMDK_FILL_NO_TABLE UINT64_MAX

typedef struct vmdk_fill {
    vb_source *file; /* the extent file (its write side), owned by the caller */
    vb_diag *diag;
    const char *name; /* of the extent file, for details */
    vmdk_layout_sparse layout;
    uint64_t free_sector;             /* where the next grain goes */
    uint64_t next_grain;              /* puts never go back below this grain */
    uint64_t gt_index;                /* table held in gt[], or VMDK_FILL_NO_TABLE */
    uint8_t gt[VMDK_LAYOUT_GTES * 4]; /* little-endian entries, as on disk */
    uint8_t sector[512];              /* directory and header scratch */
} vmdk_fill;

/* Starts an extent of capacity sectors (VB_ELIMIT when too large). Writes
 * nothing yet. */
int vmdk_fill_begin(vmdk_fill *fill, vb_source *file, uint64_t capacity, const char *name,
                    vb_diag *diag);

/* Stores grains [grain, grain + count) from data (bytes long: count whole
 * grains, or fewer bytes when the last one is the extent's partial last
 * grain). Grains must come in increasing order; those never put stay
 * holes (GTE 0). */
int vmdk_fill_put(vmdk_fill *fill, uint64_t grain, uint64_t count, const void *data,
                  uint64_t bytes);

/* Writes the last table, both directories, the embedded descriptor
 * (descriptor[0..len) NUL-padded to its 20 sectors, or nothing when
 * descriptor is NULL), flushes, writes the header and flushes again. */
int vmdk_fill_finish(vmdk_fill *fill, const char *descriptor, size_t len);

#endif
