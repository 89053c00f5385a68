/* vmdk.h: the public API of the VMDK reader.
 *
 * A vmdk_disk is opened from the byte source of its top-level file (a text
 * descriptor, or a sparse extent with an embedded descriptor, or a bare COWD
 * file) plus an opener that resolves extent and parent file names. Once open
 * it is itself a byte source (vmdk_disk_source). The caller owns the struct;
 * it is large (about 500 KiB with the default limits of vb_config.h: extents
 * 192 KiB, table cache 130 KiB, string pool 96 KiB, scratch 64 KiB, links
 * 18 KiB; at most VB_VMDK_DISK_BYTES_MAX), so firmware keeps it static.
 * The buffers of streamOptimized extents (VMDK_STREAM_BUFFER_BYTES, about
 * 3.8 MiB) are borrowed from the caller's allocator (options->memory) only
 * when the first compressed extent is opened, and given back by vmdk_close.
 * A disk must not be moved or copied while open (its strings point into
 * it). Always vmdk_close a disk before opening it again. */
#ifndef VB_VMDK_H
#define VB_VMDK_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/alloc.h"
#include "lib/error.h"
#include "lib/source.h"
#include "vb_config.h"

/* What vmdk_probe recognised at the start of a source. */
typedef enum vmdk_kind {
    VMDK_KIND_DESCRIPTOR = 1, /* a text descriptor file */
    VMDK_KIND_SPARSE = 2,     /* "KDMV" hosted sparse / streamOptimized */
    VMDK_KIND_COWD = 3,       /* "COWD" ESXi sparse */
} vmdk_kind;

/* Bytes vmdk_probe reads: the first sector, or the whole of a smaller file. */
#define VMDK_PROBE_BYTES 512u
size_t vmdk_probe_bytes(const vb_source *src);

/* Returns a vmdk_kind (> 0); VB_EFORMAT when the bytes are not a VMDK; or
 * the read's own error (VB_EIO, VB_ERANGE...) when they could not be read,
 * never VB_EFORMAT for that. Reads vmdk_probe_bytes(src) at offset 0. */
int vmdk_probe(const vb_source *src);

typedef enum vmdk_access { VMDK_ACCESS_RW, VMDK_ACCESS_RDONLY, VMDK_ACCESS_NOACCESS } vmdk_access;

typedef enum vmdk_extent_type {
    VMDK_EXTENT_FLAT,
    VMDK_EXTENT_SPARSE,
    VMDK_EXTENT_ZERO,
    VMDK_EXTENT_VMFS,
    VMDK_EXTENT_VMFSSPARSE,
    VMDK_EXTENT_VMFSRDM,
    VMDK_EXTENT_VMFSRAW,
} vmdk_extent_type;

/* Stable lower-case names for info/json output. */
const char *vmdk_access_name(vmdk_access access);
const char *vmdk_extent_type_name(vmdk_extent_type type);

typedef struct vmdk_open_options {
    bool allow_escape; /* accept absolute and ".." extent/parent paths */
    bool ignore_cid;   /* open even when a parent's CID != child's parentCID */
    /* Lends the streamOptimized buffers (VMDK_STREAM_BUFFER_BYTES, once per
     * disk) when a compressed extent is opened; vmdk_close gives them back.
     * Without alloc, opening a compressed extent fails with VB_ELIMIT. */
    vb_allocator memory;
    /* Open for writing (vmdk_write.h): the top source must have a write
     * side, and the opener's open_rw opens the extents of the top link
     * (parents stay read-only). The writer borrows its grain buffer from
     * memory on the first vmdk_write. */
    bool writable;
    /* Mixed into the new CID the first write gives the descriptor (the host
     * passes something random; 0 is allowed). */
    uint32_t cid_seed;
} vmdk_open_options;

/* Kind of a run of the virtual disk reported by vmdk_map. */
typedef enum vmdk_run_kind {
    VMDK_RUN_DATA = 0,     /* stored bytes */
    VMDK_RUN_ZERO = 1,     /* reads as zeros and is known zero (ZERO extent, zeroed GTE) */
    VMDK_RUN_HOLE = 2,     /* unallocated in every link: reads as zeros */
    VMDK_RUN_NOACCESS = 3, /* a NOACCESS extent: reads fail with VB_ENOACCESS */
} vmdk_run_kind;

typedef struct vmdk_run {
    uint64_t offset; /* virtual byte offset of the run */
    uint64_t length; /* bytes */
    vmdk_run_kind kind;
    unsigned link;        /* 0 = top (the opened file), 1 = its parent, ... */
    unsigned extent;      /* index of the extent within that link */
    uint64_t file_offset; /* DATA in an uncompressed extent: byte offset in its file; else 0 */
} vmdk_run;

#include "vmdk/vmdk_disk.h" /* the struct layout (private: use the functions) */

/* Opens a disk. top is the source of the top-level file and top_name its
 * path as given to the opener's folder (used to join relative extent and
 * parent names, and for loop detection). On failure the disk keeps the
 * detail (vmdk_detail) and holds no open sources. */
int vmdk_open(vmdk_disk *disk, const vb_source *top, const char *top_name, const vb_opener *opener,
              const vmdk_open_options *options);

/* Reads len bytes at byte offset; VB_ERANGE past the capacity. */
int vmdk_read(vmdk_disk *disk, uint64_t offset, void *buf, size_t len);

/* The disk as a byte source (ctx = disk). */
void vmdk_disk_source(vmdk_disk *disk, vb_source *ret_source);

/* Capacity in bytes. */
uint64_t vmdk_capacity(const vmdk_disk *disk);

/* Describes the run of equal kind that starts at offset (< capacity): the
 * longest stretch with the same kind, link and (for DATA) contiguous file
 * position, possibly clipped at an extent or grain-table boundary. */
int vmdk_map(vmdk_disk *disk, uint64_t offset, vmdk_run *ret_run);

/* One compressed grain as stored, for a caller that inflates grains itself
 * (the host tool's worker threads) and writes them in order. */
typedef struct vmdk_grain_data {
    uint64_t length;          /* bytes of the disk it gives, from its first byte */
    uint64_t inflated_min;    /* it must inflate (zlib) to exactly inflated_min */
    uint64_t inflated_max;    /* or inflated_max bytes (a partial last grain: either) */
    uint32_t compressed_size; /* bytes copied to buf */
} vmdk_grain_data;

/* Room for any compressed grain vmdk_grain_fetch copies. */
#define VMDK_GRAIN_FETCH_MAX (VB_GRAIN_BYTES_MAX + VB_GRAIN_BYTES_MAX / 1024u + 64u)

/* When the disk's byte at offset is the first byte of a compressed grain
 * (through the chain), checks the grain's marker as a read does, copies
 * its compressed bytes into buf (cap bytes) and describes it. VB_ENOTFOUND
 * (no detail) when it is anything else: ret->length bytes from offset hold
 * no grain start; read them with vmdk_read. For any
 * other error, vmdk_read of the same bytes fails with the same detail. */
int vmdk_grain_fetch(vmdk_disk *disk, uint64_t offset, vmdk_grain_data *ret, void *buf, size_t cap);

/* Validates all metadata; calls report once per problem found (detail
 * line). Returns 0 when clean, else the first problem's error code. */
typedef void (*vmdk_report_fn)(void *ctx, int err, const char *problem);
int vmdk_check(vmdk_disk *disk, vmdk_report_fn report, void *ctx);

/* Closes every source the disk opened through the opener. Safe to call on a
 * disk whose open failed, or twice. A disk open for writing is closed as
 * after a crash (its uncleanShutdown byte stays set): close it with
 * vmdk_close_flush (vmdk_write.h) to finish cleanly. */
void vmdk_close(vmdk_disk *disk);

/* The one-line detail of the last failure. */
const char *vmdk_detail(const vmdk_disk *disk);

#endif
