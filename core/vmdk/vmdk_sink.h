/* vmdk_sink.h: where the VMDK writers put their bytes: a sink (one file
 * being written) and a sink folder that creates the files of a new disk
 * next to its top-level file. The platform supplies both (the host tool:
 * pwrite, fdatasync, O_CREAT|O_EXCL); core only calls them, in order. */
#ifndef VB_VMDK_SINK_H
#define VB_VMDK_SINK_H

#include <stddef.h>
#include <stdint.h>

typedef struct vmdk_sink {
    void *ctx; /* owned by the folder that created the sink */
    /* Writes exactly len bytes at byte offset. A write past the current end
     * of the file extends it; bytes never written read as zeros (the
     * writers leave preallocated tables to that). Returns 0 or a vb_err. */
    int (*write)(void *ctx, uint64_t offset, const void *buf, size_t len);
    /* Makes every write so far durable before later ones. 0 or a vb_err. */
    int (*flush)(void *ctx);
} vmdk_sink;

typedef struct vmdk_sink_folder {
    void *ctx;
    /* Creates the new, empty file relative_name (no '/': a file next to the
     * disk's top-level file) and fills *ret_sink. Refuses a file that
     * already exists unless the platform was told to overwrite. */
    int (*create)(void *ctx, const char *relative_name, vmdk_sink *ret_sink);
    /* Releases a sink returned by create (may be NULL). */
    void (*close)(void *ctx, vmdk_sink *sink);
} vmdk_sink_folder;

#endif
