/* vmdk_stream.h: the state a vmdk_disk keeps for streamOptimized
 * (compressed) sparse extents: the inflate tables, a window of compressed
 * input, a small cache of decompressed grains, and the map built by a
 * marker walk when a file's footer or grain directory is missing or
 * unusable. The small part lives in the disk; the large buffers (fixed
 * size, VMDK_STREAM_BUFFER_BYTES from vb_config.h limits) are one block
 * borrowed from the caller's allocator when the disk opens its first
 * compressed extent (vmdk_stream_buffers.c). Included by vmdk_disk.h,
 * logic in vmdk_stream.c. */
#ifndef VB_VMDK_STREAM_H
#define VB_VMDK_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include "inflate/inflate.h"
#include "vb_config.h"

/* How the grain map of a compressed extent was found. */
typedef enum vmdk_stream_layout {
    VMDK_STREAM_NONE = 0,      /* not a compressed extent */
    VMDK_STREAM_HEADER_GD = 1, /* grain directory at the header's gdOffset (qemu-img) */
    VMDK_STREAM_FOOTER_GD = 2, /* gdOffset all-ones; the footer's directory (VMware) */
    VMDK_STREAM_WALKED = 3,    /* no usable directory: map recovered by a marker walk */
} vmdk_stream_layout;

/* Why a marker walk stopped. */
typedef enum vmdk_walk_end {
    VMDK_WALK_EOS = 0,        /* end-of-stream marker */
    VMDK_WALK_EOF = 1,        /* end of the file at a marker boundary */
    VMDK_WALK_TRUNCATED = 2,  /* a grain or metadata block runs past the end of the file */
    VMDK_WALK_BAD_MARKER = 3, /* a marker that cannot be one (LBA, size or type out of range) */
} vmdk_walk_end;

/* Bytes in the window of compressed input: one largest grain's worst-case
 * compressed size (VMDK_STREAM_MAX_COMPRESSED) plus its 12-byte marker, a
 * sector of slack, and VB_STREAM_READAHEAD_BYTES to read following grains
 * of a sequential read in the same platform read. */
#define VMDK_STREAM_MAX_COMPRESSED(grain_bytes) ((grain_bytes) + (grain_bytes) / 1024u + 64u)
#define VMDK_STREAM_WINDOW_BYTES                                                                   \
    (VMDK_STREAM_MAX_COMPRESSED(VB_GRAIN_BYTES_MAX) + 12u + 512u + VB_STREAM_READAHEAD_BYTES)

/* One grain found by the marker walk. */
typedef struct vmdk_walk_entry {
    uint32_t grain;  /* grain index in the extent */
    uint32_t sector; /* sector of its marker in the file */
} vmdk_walk_entry;

/* One decompressed grain kept for later reads. */
typedef struct vmdk_grain_slot {
    uint32_t extent;   /* extent index + 1; 0 = empty */
    uint64_t grain;    /* grain index in that extent */
    uint64_t last_use; /* LRU stamp */
} vmdk_grain_slot;

/* The block of caller memory a disk with compressed extents borrows: the
 * decompressed grains, the compressed-input window, the walk map and the
 * inflate tables, each rounded up to 8 bytes. */
#define VMDK_STREAM_ROUND8(n)    (((n) + 7u) / 8u * 8u)
#define VMDK_STREAM_GRAINS_BYTES ((size_t)VB_GRAIN_CACHE_ENTRIES * VB_GRAIN_BYTES_MAX)
#define VMDK_STREAM_WALK_BYTES   ((size_t)VB_STREAM_WALK_GRAINS_MAX * sizeof(vmdk_walk_entry))
#define VMDK_STREAM_BUFFER_BYTES                                                                   \
    (VMDK_STREAM_ROUND8(VMDK_STREAM_GRAINS_BYTES) +                                                \
     VMDK_STREAM_ROUND8((size_t)VMDK_STREAM_WINDOW_BYTES) +                                        \
     VMDK_STREAM_ROUND8(VMDK_STREAM_WALK_BYTES) + VMDK_STREAM_ROUND8(sizeof(inflate_state)))

typedef struct vmdk_stream_state {
    /* The borrowed block (NULL until a compressed extent is opened) and
     * the buffers inside it. */
    void *buffers;
    size_t buffer_bytes;
    inflate_state *inflate;
    /* Compressed input: window[0, window_len) holds the extent file's bytes
     * at window_offset. */
    uint32_t window_extent; /* extent index + 1; 0 = empty */
    uint64_t window_offset;
    uint64_t window_len;
    /* Decompressed grains, LRU. */
    uint64_t clock;
    vmdk_grain_slot slots[VB_GRAIN_CACHE_ENTRIES];
    /* Marker walk of the one extent that needed it (walk_extent + 1, or 0):
     * walk[0, walk_count) sorted by grain. */
    uint32_t walk_extent;
    uint32_t walk_count;
    uint64_t walk_end_sector; /* where the walk stopped */
    vmdk_walk_end walk_end;
    int walk_cause;                      /* the error that made the directory unusable */
    char walk_cause_text[VB_DETAIL_MAX]; /* its detail line */
    /* Counters for tools and tests. */
    uint64_t grains_inflated;              /* grains decompressed */
    uint64_t grain_cache_hits;             /* reads served by the grain cache */
    uint64_t window_loads;                 /* platform reads of compressed input */
    vmdk_walk_entry *walk;                 /* VB_STREAM_WALK_GRAINS_MAX entries */
    uint8_t *window;                       /* VMDK_STREAM_WINDOW_BYTES */
    uint8_t (*grains)[VB_GRAIN_BYTES_MAX]; /* VB_GRAIN_CACHE_ENTRIES grains */
} vmdk_stream_state;

/* Stable descriptions for `info`. */
const char *vmdk_stream_layout_name(vmdk_stream_layout layout);
const char *vmdk_walk_end_name(vmdk_walk_end end);

#endif
