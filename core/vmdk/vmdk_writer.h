/* vmdk_writer.h: making a new VMDK front to back: `vmdk create` (begin,
 * then finish) and `vmdk convert` (begin, put the non-zero data in disk
 * order, finish). Kinds: monolithicSparse (also as a delta link over a
 * parent), twoGbMaxExtentSparse, monolithicFlat, twoGbMaxExtentFlat, laid
 * out as qemu-img lays them out (vmdk_layout.h). Files are created by the
 * opener's create and written through their sources' write side, at most
 * two open at once; each file is flushed before the
 * one that makes the disk valid (the descriptor file, or the sparse header)
 * is written, so an interrupted writer leaves no half-valid disk. The
 * caller removes the files of a writer that failed. No heap; the struct
 * is about 80 KiB (keep it off small stacks). */
#ifndef VB_VMDK_WRITER_H
#define VB_VMDK_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"
#include "vb_config.h"
#include "vmdk/vmdk_fill.h"
#include "vmdk/vmdk_layout.h"

typedef struct vmdk_writer_params {
    vmdk_create_type type;
    uint64_t capacity;       /* bytes, a multiple of 512 */
    const char *top_name;    /* the top file's name in the folder (no '/') */
    uint32_t cid;            /* the new CID (the caller picks it at random) */
    uint32_t parent_cid;     /* a delta link: the parent's CID; else 0xffffffff */
    const char *parent_hint; /* a delta link (monolithicSparse only): parentFileNameHint */
} vmdk_writer_params;

typedef struct vmdk_writer {
    vb_diag diag;
    vmdk_create_type type;
    uint64_t capacity; /* sectors */
    char top_name[VB_PATH_MAX];
    vb_opener opener; /* creates and closes the files */
    vb_source top;    /* descriptor file, or the monolithicSparse file */
    bool top_open;
    uint64_t extent_count;
    uint64_t extent; /* the open extent, or the next one to open */
    bool extent_open;
    vb_source ext; /* the open extent (a copy of top for monolithicSparse) */
    char ext_name[VB_PATH_MAX];
    uint64_t ext_start, ext_sectors; /* of the open extent */
    uint64_t ext_end_written;        /* flat: bytes of the extent written up to */
    vmdk_fill fill;                  /* sparse: the open extent */
    uint64_t next;                   /* bytes: the next put starts here or later */
    bool failed;                     /* sticky: every later call returns VB_EINVAL */
    size_t text_len;
    char text[VB_DESCRIPTOR_MAX]; /* the descriptor, made at begin */
} vmdk_writer;

/* Checks the parameters, makes the descriptor and creates the top file
 * with opener->create (files are named relative to its folder).
 * VB_EINVAL for a capacity of 0 or not a multiple of 512, or a parent with
 * a kind other than monolithicSparse; VB_ELIMIT for a capacity the kind
 * cannot hold; VB_EREADONLY for an opener without create; the opener's
 * error when a file cannot be created. */
int vmdk_writer_begin(vmdk_writer *w, const vmdk_writer_params *params, const vb_opener *opener);

/* Stores len bytes at byte offset: offsets only grow from put to put;
 * offset and len are multiples of 512, and for the sparse kinds whole
 * 64 KiB grains (len may end at the capacity instead). Whatever is never
 * put reads as zeros (a hole in a sparse extent, a gap in a flat file). */
int vmdk_writer_put(vmdk_writer *w, uint64_t offset, const void *buf, size_t len);

/* Creates the extents not yet reached, completes and flushes every file,
 * writes the descriptor last, and closes everything. */
int vmdk_writer_finish(vmdk_writer *w);

/* Closes whatever is open without completing it (after a failure). */
void vmdk_writer_abort(vmdk_writer *w);

/* The one-line detail of the last failure. */
const char *vmdk_writer_detail(const vmdk_writer *w);

#endif
