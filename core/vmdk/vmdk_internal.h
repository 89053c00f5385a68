/* vmdk_internal.h: declarations shared by the vmdk_*.c files of core/ and
 * nowhere else (descriptor parser, sparse/COWD/flat extents, grain
 * directory engine, streamOptimized, table cache, read path). Not part of
 * the public API. */
#ifndef VB_VMDK_INTERNAL_H
#define VB_VMDK_INTERNAL_H

#include "vmdk/vmdk.h"

#define VMDK_SECTOR 512u

/* Sparse extent magics, as the first 4 bytes read as a little-endian u32. */
#define VMDK_KDMV_MAGIC 0x564d444bu /* "KDMV" */
#define VMDK_COWD_MAGIC 0x44574f43u /* "COWD" */

/* What one stretch of a link or extent holds (see vmdk_piece). */
typedef enum vmdk_piece_kind {
    VMDK_PIECE_DATA,       /* stored bytes at src/file_offset */
    VMDK_PIECE_ZERO,       /* known zeros (ZERO extent, zeroed-grain GTE) */
    VMDK_PIECE_HOLE,       /* not allocated here: the parent's bytes, or zeros */
    VMDK_PIECE_NOACCESS,   /* a NOACCESS extent */
    VMDK_PIECE_COMPRESSED, /* one (part of a) compressed grain: see vmdk_stream_read_grain */
} vmdk_piece_kind;

/* The longest stretch of one kind that starts at a given offset of a link,
 * clipped to the caller's maximum, the extent and the current table block. */
typedef struct vmdk_piece {
    vmdk_piece_kind kind;
    uint64_t length;      /* bytes, > 0 */
    unsigned extent;      /* global index of the extent (disk->extents) */
    uint64_t file_offset; /* DATA: byte offset in the extent file */
    uint64_t grain;       /* COMPRESSED: grain index in the extent */
    uint32_t gte;         /* COMPRESSED: its grain-table entry */
    uint64_t in_grain;    /* COMPRESSED: byte offset of the piece inside the grain */
} vmdk_piece;

/* ---- string pool (vmdk_descriptor.c) ---- */

/* Copies s[0..n) plus a NUL into the disk's pool; NULL when full. */
const char *vmdk_pool_add(vmdk_disk *disk, const char *s, size_t n);

/* ---- enum names (vmdk.c) ---- */

/* The vmdk_access or vmdk_extent_type whose name (vmdk_access_name,
 * vmdk_extent_type_name) equals s[0..n) ignoring case: the words of a
 * descriptor's extent lines. -1 when none does. */
int vmdk_access_find(const char *s, size_t n);
int vmdk_extent_type_find(const char *s, size_t n);

/* ---- descriptor (vmdk_descriptor.c) ---- */

/* Resets links[link_index] to a link without descriptor (no CID, no
 * parent, no extents yet: its extents start at disk->extent_count). */
void vmdk_descriptor_reset_link(vmdk_disk *disk, unsigned link_index);

/* Parses descriptor text (len bytes; parsing stops at the first NUL) into
 * links[link_index] and appends its extents to disk->extents. name labels
 * the details. Returns 0, VB_EDESCRIPTOR, VB_EUNSUPPORTED (SESPARSE) or
 * VB_ELIMIT. */
int vmdk_descriptor_parse(vmdk_disk *disk, unsigned link_index, const char *text, size_t len,
                          const char *name);

/* ---- sparse extent headers (vmdk_sparse.c, vmdk_cowd.c) ---- */

/* gdOffset of a streamOptimized header whose footer holds the real one. */
#define VMDK_GD_AT_END 0xffffffffffffffffull

/* Parses and validates a 512-byte KDMV header (or a streamOptimized footer)
 * against the size of its file. name labels the details. */
int vmdk_sparse_parse_header(const uint8_t header[512], uint64_t file_size, vmdk_sparse_info *info,
                             const char *name, vb_diag *diag);

/* Parses and validates a 2048-byte COWD header against the file size. */
#define VMDK_COWD_HEADER_SIZE 2048u
#define VMDK_COWD_GTES        4096u
int vmdk_cowd_parse_header(const uint8_t header[VMDK_COWD_HEADER_SIZE], uint64_t file_size,
                           vmdk_sparse_info *info, const char *name, vb_diag *diag);

/* Reads (through disk->scratch) and parses the header of the sparse file
 * src into *info: KDMV or COWD by its magic, or as expect says when the
 * caller already knows (VMDK_SPARSE_NONE: by magic). name labels the
 * details, which go to disk->diag. */
int vmdk_sparse_read_header(vmdk_disk *disk, const vb_source *src, const char *name,
                            vmdk_sparse_format expect, vmdk_sparse_info *info);

/* Reads and validates the header of a sparse extent (KDMV or COWD, by its
 * magic) against the extent's size. ext->src must be set. The caller then
 * opens its grain map: vmdk_stream_open or vmdk_gd_use. */
int vmdk_sparse_open(vmdk_disk *disk, unsigned extent_index);

/* True when a parsed KDMV header is one that vmdk_stream.c finishes
 * opening (compressed, or its directory is in a footer). */
static inline bool vmdk_sparse_is_stream(const vmdk_sparse_info *sp) {
    return sp->format == VMDK_SPARSE_KDMV && (sp->compressed || sp->gd_offset == VMDK_GD_AT_END);
}

/* True when the GTE of a KDMV/COWD extent means "zeros" (flag bit 2). */
static inline bool vmdk_gte_is_zero(const vmdk_sparse_info *sp, uint32_t gte) {
    return gte == 1 && sp->zeroed_gte;
}

/* ---- grain directory and grain tables (vmdk_gd.c) ---- */

/* True when count 32-bit entries at sector `sector` fit in the file, past
 * the first header_sectors sectors. */
bool vmdk_gd_table_fits(uint64_t sector, uint64_t count, uint64_t header_sectors,
                        uint64_t file_size);

/* True when a whole grain table of the extent fits at sector `sector`, past
 * the extent's header. */
bool vmdk_gd_table_in_file(const vmdk_extent *ext, uint32_t sector);

/* Bytes of grain `grain` that lie inside the extent's capacity (the last
 * grain can be partial). */
uint64_t vmdk_gd_grain_bytes(const vmdk_sparse_info *sp, uint64_t grain);

/* Checks that a grain at sector gte of the file lies within the file and
 * past the header; 0 or VB_ECORRUPT with a detail naming table and entry. */
int vmdk_gd_check_gte(const vmdk_extent *ext, uint64_t gd_index, uint64_t gt_index, uint32_t gte,
                      vb_diag *diag);

/* Scans the grain directory of a sparse extent and falls back to the
 * redundant one when the primary is unusable; sets active_gd_offset. */
int vmdk_gd_use(vmdk_disk *disk, unsigned extent_index);

/* Grain-directory entry gd_index of an extent, from the GD at gd_offset
 * (sectors), through the table cache; a failure's detail goes to *diag. */
int vmdk_gd_entry(vmdk_disk *disk, unsigned extent_index, uint64_t gd_offset, uint64_t gd_index,
                  uint32_t *ret_gde, vb_diag *diag);

/* Maps byte offset off (< ext->sectors * 512) of a sparse extent through
 * its grain directory (compressed grains give COMPRESSED pieces). */
int vmdk_gd_map(vmdk_disk *disk, unsigned extent_index, uint64_t off, uint64_t max_len,
                vmdk_piece *ret_piece);

/* ---- streamOptimized buffers (vmdk_stream_buffers.c) ---- */

/* Borrows the streamOptimized buffers from disk->options.memory unless the
 * disk holds them already; name is the extent file, for the detail.
 * VB_ELIMIT without an allocator or when it fails. */
int vmdk_stream_buffers_get(vmdk_disk *disk, const char *name);
/* Gives them back (vmdk_close) and resets the state; safe when none are
 * held. */
void vmdk_stream_buffers_release(vmdk_disk *disk);
/* Forgets the whole streamOptimized state: no buffers, no cached window,
 * grain or walk map, counters at zero (vmdk_open; the caller has given any
 * buffers back). */
void vmdk_stream_buffers_reset(vmdk_stream_state *st);

/* ---- streamOptimized (vmdk_stream.c) ---- */

/* Finishes opening a compressed (or gdOffset all-ones) KDMV extent whose
 * header is parsed: footer, grain directory, or the marker walk. */
int vmdk_stream_open(vmdk_disk *disk, unsigned extent_index);

/* Checks the marker of grain `grain` at sector `sector` (LBA, size, data
 * inside the file) without inflating it; the problem goes to *ret_diag. */
int vmdk_stream_check_grain(vmdk_disk *disk, unsigned extent_index, uint64_t grain, uint32_t sector,
                            vb_diag *ret_diag);

/* Maps byte offset off of a streamOptimized extent: by the marker walk's
 * map when the walk built it, else through vmdk_gd_map. */
int vmdk_stream_map(vmdk_disk *disk, unsigned extent_index, uint64_t off, uint64_t max_len,
                    vmdk_piece *ret_piece);

/* Reads a COMPRESSED piece into buf (piece->length bytes). The one place
 * where compressed grains are read. */
int vmdk_stream_read_grain(vmdk_disk *disk, const vmdk_piece *piece, void *buf);

/* Copies the compressed bytes of grain `grain` (marker at `sector`, checked
 * as for a read) into buf (cap bytes); the detail goes to disk->diag. */
int vmdk_stream_copy_grain(vmdk_disk *disk, unsigned extent_index, uint64_t grain, uint32_t sector,
                           void *buf, size_t cap, uint32_t *ret_size);

/* The piece at byte off of the disk through the chain: the first link that
 * is not a hole there (or the last link); its index in *ret_link
 * (vmdk_read.c). */
int vmdk_chain_map(vmdk_disk *disk, uint64_t off, uint64_t max_len, vmdk_piece *ret_piece,
                   unsigned *ret_link);

/* ---- table cache (vmdk_gt_cache.c) ---- */

/* Empties the cache. */
void vmdk_cache_reset(vmdk_table_cache *cache);

/* Returns the cached block for (extent, role, offset) or NULL. */
vmdk_table_block *vmdk_cache_find(vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                                  uint64_t offset);

/* True when the block is cached (no LRU update, no hit counted). */
bool vmdk_cache_contains(const vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                         uint64_t offset);

/* Claims the least recently used slot of the set of (extent, role,
 * offset), tagged but with undefined entries; the caller fills it or calls
 * vmdk_cache_drop on failure. */
vmdk_table_block *vmdk_cache_claim(vmdk_table_cache *cache, unsigned extent_index, uint32_t role,
                                   uint64_t offset);
void vmdk_cache_drop(vmdk_table_block *block);

/* ---- flat extents and link-level mapping (vmdk_flat.c, vmdk_read.c) ---- */

/* Validates a flat-type extent against its file size. */
int vmdk_flat_open(vmdk_disk *disk, unsigned extent_index);

/* The piece of link link_index at byte off (a parent smaller than its
 * child is a hole past its end), and a read of that link and its parents
 * (vmdk_read.c; used by the writer). */
int vmdk_link_map(vmdk_disk *disk, unsigned link_index, uint64_t off, uint64_t max_len,
                  vmdk_piece *ret_piece);
int vmdk_link_read(vmdk_disk *disk, unsigned link_index, uint64_t off, void *buf, uint64_t len);

/* Name of the file an extent lives in, for details: the path it was opened
 * by, else its descriptor file name. */
static inline const char *vmdk_extent_label(const vmdk_extent *ext) {
    return ext->path ? ext->path : ext->file_name;
}

#endif
