/* vmdk_disk.h: the caller-owned layout of an open VMDK disk (included by
 * vmdk.h; use the vmdk_* functions to change it, read the fields freely).
 *
 * Everything lives inside the struct: no heap. Strings (createType, ddb
 * entries, extent file names...) are NUL-terminated copies kept in the
 * disk's own string pool; the char pointers below point into that pool,
 * so a disk must not be copied or moved while it is open.
 *
 * Vocabulary (see shared/docs/vmdk-format.md): a disk is a chain of links,
 * links[0] is the file that was opened (the newest), links[i + 1] is the
 * parent of links[i]. Each link is a list of extents laid end to end; the
 * extents of all links share one array, link i owning
 * extents[first_extent .. first_extent + extent_count). */
#ifndef VB_VMDK_DISK_H
#define VB_VMDK_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"
#include "vb_config.h"
#include "vmdk/vmdk_stream.h"

/* Value of CID / parentCID meaning "none" (a base link's parentCID). */
#define VMDK_CID_NONE 0xffffffffu

/* One ddb.* line of a descriptor, kept for `info`. */
typedef struct vmdk_ddb_entry {
    const char *key;   /* full key as written, e.g. "ddb.adapterType" */
    const char *value; /* value without quotes, e.g. "ide" */
} vmdk_ddb_entry;

/* Which sparse format an extent file holds. */
typedef enum vmdk_sparse_format {
    VMDK_SPARSE_NONE = 0, /* not a sparse extent (FLAT, VMFS, ZERO, ...) */
    VMDK_SPARSE_KDMV = 1, /* hosted sparse "KDMV" (SPARSE extents; streamOptimized) */
    VMDK_SPARSE_COWD = 2, /* ESXi sparse "COWD" (VMFSSPARSE extents) */
} vmdk_sparse_format;

/* KDMV header flag bits (vmdk-format.md section 3). */
#define VMDK_FLAG_NEWLINE_CHECK 0x00000001u /* bytes 73..76 must be "\n \r\n" */
#define VMDK_FLAG_REDUNDANT_GD  0x00000002u /* redundant GD + GTs at rgd_offset */
#define VMDK_FLAG_ZEROED_GTE    0x00000004u /* GTE 1 means "grain reads as zeros" */
#define VMDK_FLAG_COMPRESSED    0x00010000u /* grains are compressed */
#define VMDK_FLAG_MARKERS       0x00020000u /* grains/metadata preceded by markers */
/* Bits the reader understands; any other bit in the high half is an
 * incompatible feature and makes open fail with VB_EUNSUPPORTED. */
#define VMDK_FLAGS_KNOWN                                                                           \
    (VMDK_FLAG_NEWLINE_CHECK | VMDK_FLAG_REDUNDANT_GD | VMDK_FLAG_ZEROED_GTE |                     \
     VMDK_FLAG_COMPRESSED | VMDK_FLAG_MARKERS)
#define VMDK_FLAGS_INCOMPATIBLE_MASK 0xffff0000u

/* Header of a sparse extent as parsed and validated at open (all offsets
 * and sizes in 512-byte sectors of the extent file). */
typedef struct vmdk_sparse_info {
    vmdk_sparse_format format;   /* KDMV or COWD; NONE for non-sparse extents */
    uint32_t version;            /* KDMV 1..3; COWD as stored (1) */
    uint32_t flags;              /* raw header flags (VMDK_FLAG_* for KDMV) */
    uint32_t gtes_per_gt;        /* entries per grain table: KDMV 1..512, COWD 4096 */
    uint64_t capacity;           /* sectors covered by this extent (header) */
    uint64_t grain_sectors;      /* sectors per grain (KDMV: power of two) */
    uint64_t gd_offset;          /* primary grain directory, as in the header */
    uint64_t rgd_offset;         /* redundant grain directory (KDMV flag bit 1), else 0 */
    uint64_t gd_entries;         /* entries in the grain directory used for lookups */
    uint64_t overhead;           /* KDMV overHead; COWD freeSector */
    uint64_t descriptor_offset;  /* embedded descriptor (KDMV), 0 if none */
    uint64_t descriptor_size;    /* sectors of embedded descriptor */
    uint16_t compress_algorithm; /* KDMV: 0 none, 1 deflate */
    uint8_t unclean_shutdown;    /* KDMV byte 72; COWD uncleanShutdown != 0 */
    bool compressed;             /* flags bit 16: streamOptimized grains */
    bool markers;                /* flags bit 17 */
    bool zeroed_gte;             /* flags bit 2: GTE 1 = zero grain */
    bool rgd_usable;             /* the redundant GD exists and lies within the file */
    bool using_rgd;              /* the primary GD was unusable: lookups use the redundant one */
    uint64_t active_gd_offset;   /* sector of the GD lookups use (gd_offset or rgd_offset) */
    vmdk_stream_layout stream_layout; /* compressed extents: where the grain map came from */
} vmdk_sparse_info;

/* One extent of a link. */
typedef struct vmdk_extent {
    vmdk_access access;      /* RW, RDONLY, NOACCESS */
    vmdk_extent_type type;   /* FLAT, SPARSE, ZERO, VMFS, VMFSSPARSE, VMFSRDM, VMFSRAW */
    const char *file_name;   /* as written in the descriptor ("" for ZERO, or none) */
    const char *path;        /* file as opened: joined with the link's folder, or the link's
                                own path for a monolithic file; NULL when not opened */
    uint64_t sectors;        /* size of this extent in the virtual disk */
    uint64_t flat_offset;    /* flat types: sector in the file where the data starts */
    uint64_t start;          /* first virtual sector of this extent within its link */
    unsigned link;           /* index of the owning link */
    bool has_source;         /* src is valid (every extent but ZERO / NOACCESS-unopened) */
    bool owns_source;        /* src came from the opener and is closed by vmdk_close */
    vb_source src;           /* the extent file */
    vmdk_sparse_info sparse; /* sparse extents (SPARSE, VMFSSPARSE, bare COWD) */
} vmdk_extent;

/* One link of the chain (a descriptor and its extents). */
typedef struct vmdk_link {
    char path[VB_PATH_MAX];   /* file of this link as given to the opener (links[0]: top_name) */
    vmdk_kind kind;           /* what that file is: DESCRIPTOR, SPARSE (embedded) or COWD */
    bool has_descriptor;      /* false for a bare COWD / a sparse file with no descriptor */
    uint32_t version;         /* descriptor "version" (1 when absent) */
    uint32_t cid;             /* descriptor CID (VMDK_CID_NONE when absent) */
    uint32_t parent_cid;      /* descriptor parentCID (VMDK_CID_NONE when absent) */
    const char *create_type;  /* createType value without quotes ("" when absent) */
    const char *parent_hint;  /* parentFileNameHint, NULL for a base link */
    const char *encoding;     /* encoding, NULL when absent */
    uint32_t descriptor_area; /* bytes read as descriptor (file or embedded sectors) */
    uint32_t descriptor_text; /* bytes of text before the first NUL */
    uint32_t descriptor_tail; /* non-NUL bytes after that NUL (left by in-place rewrites) */
    unsigned ddb_count;       /* entries used in ddb[] */
    unsigned ddb_dropped;     /* ddb.* lines beyond VB_DDB_MAX, not kept */
    vmdk_ddb_entry ddb[VB_DDB_MAX];
    unsigned first_extent; /* index in vmdk_disk.extents */
    unsigned extent_count; /* extents of this link */
    uint64_t sectors;      /* capacity of this link: sum of its extent sizes */
    vb_source file;        /* source of the link's own file */
    bool owns_file;        /* file came from the opener (links > 0) */
} vmdk_link;

/* One cached block of a grain table or grain directory: up to
 * VB_GT_BLOCK_ENTRIES consecutive 32-bit entries, converted to host order.
 * A KDMV grain table (<= 512 entries) is one block; a COWD grain table
 * (4096 entries) is eight. */
typedef struct vmdk_table_block {
    uint32_t extent;   /* extent index + 1; 0 = empty slot */
    uint32_t role;     /* VMDK_BLOCK_GD or VMDK_BLOCK_GT */
    uint64_t offset;   /* byte offset of the block in the extent file (primary copy) */
    uint64_t last_use; /* LRU stamp */
    uint32_t entries[VB_GT_BLOCK_ENTRIES];
} vmdk_table_block;

#define VMDK_BLOCK_GD 1u
#define VMDK_BLOCK_GT 2u

/* The table cache: set-associative, VB_GT_CACHE_WAYS blocks per set, LRU
 * within a set, keyed by (extent, role, file offset). */
typedef struct vmdk_table_cache {
    uint64_t clock; /* LRU clock */
    uint64_t hits;  /* lookups served from the cache */
    uint64_t loads; /* blocks read from an extent file */
    vmdk_table_block blocks[VB_GT_CACHE_ENTRIES];
} vmdk_table_cache;

typedef struct vmdk_disk {
    vb_diag diag;              /* last failure (vmdk_detail) */
    bool is_open;              /* vmdk_open succeeded and vmdk_close not yet called */
    vmdk_open_options options; /* as passed to vmdk_open */
    vb_opener opener;          /* copy of the caller's opener */
    uint64_t capacity;         /* bytes: links[0].sectors * 512 */
    unsigned link_count;       /* links in the chain (1 = no parent) */
    vmdk_link links[VB_CHAIN_MAX];
    unsigned extent_count; /* extents used over all links */
    vmdk_extent extents[VB_EXTENTS_MAX];
    size_t strings_used; /* bytes used in strings[] */
    char strings[VB_STRING_POOL_MAX];
    vmdk_table_cache cache;
    /* Scratch for descriptor text and grain-directory scans during open,
     * and for vmdk_check's bitmap and table buffers; never holds data
     * between calls. */
    uint8_t scratch[VB_VMDK_SCRATCH_BYTES] __attribute__((aligned(8)));
    /* streamOptimized: inflate tables, compressed-input window, grain
     * cache, marker-walk map (vmdk_stream.c), in memory borrowed from
     * options.memory when a compressed extent is opened. */
    vmdk_stream_state stream;
    /* Writing (vmdk_write.c): the writer's state and buffers, borrowed from
     * options.memory on the first vmdk_write and given back by vmdk_close. */
    struct vmdk_writer *writer;
    size_t writer_bytes;
} vmdk_disk;

#endif
