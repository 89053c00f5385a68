/* cat_stream.c: `vmdk cat` of a disk with compressed (streamOptimized)
 * grains on every core. This thread walks the range in order: a grain that
 * starts at the current offset has its compressed bytes fetched by core
 * (vmdk_grain_fetch checks the marker) and is inflated by libdeflate on a
 * worker; anything else is read here with vmdk_read. Slots are written to
 * stdout in order. A grain the worker cannot inflate to exactly its size
 * is read again through vmdk_read, so the bytes and the error are those of
 * the single-threaded path. */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline.h"
#include "vmdk_tool.h"

enum { SLOT_READY = 1, SLOT_INFLATE = 2 };

/* Largest piece read through vmdk_read in one slot. */
#define PLAIN_CHUNK (1024u * 1024u)
_Static_assert(PLAIN_CHUNK >= VB_GRAIN_BYTES_MAX, "a slot holds any grain");

/* aux[0], aux[1]: the accepted inflated sizes. */
static void inflate_work(void *thread_ctx, tool_slot *slot) {
    size_t got = 0;
    enum libdeflate_result r = libdeflate_zlib_decompress(thread_ctx, slot->in, slot->in_len,
                                                          slot->out, (size_t)slot->aux[1], &got);
    slot->status = r == LIBDEFLATE_SUCCESS && (got == slot->aux[0] || got == slot->aux[1]) ? 0 : -1;
}

bool tool_cat_stream_applies(const vmdk_disk *disk) {
    for (unsigned li = 0; li < VB_CHAIN_MAX; li++)
        for (unsigned ei = 0;; ei++) {
            const vmdk_extent *ext = tool_extent(disk, li, ei);
            if (!ext)
                break;
            if (ext->type == VMDK_EXTENT_SPARSE && ext->sparse.compressed)
                return true;
        }
    return false;
}

/* Writes the slot's bytes, reading them again through core when the
 * worker failed. Returns 0, or an exit status after the message. */
static int emit(tool_image *image, const char *name, tool_slot *slot) {
    if (slot->kind == SLOT_INFLATE && slot->status) {
        int err = vmdk_read(image->disk, slot->offset, slot->out, (size_t)slot->length);
        if (err) {
            tool_error(name, err, "%s", vmdk_detail(image->disk));
            return TOOL_EXIT_IMAGE;
        }
    }
    return tool_write_stdout(slot->out, (size_t)slot->length) ? TOOL_EXIT_IMAGE : 0;
}

int tool_cat_stream(tool_image *image, const char *name, uint64_t offset, uint64_t end,
                    unsigned jobs) {
    if (!jobs)
        jobs = tool_cpu_count();
    struct libdeflate_decompressor **dec = calloc(jobs, sizeof(*dec));
    tool_pipeline *pipe = NULL;
    int status = TOOL_EXIT_IMAGE;
    if (!dec)
        goto oom;
    for (unsigned i = 0; i < jobs; i++)
        if (!(dec[i] = libdeflate_alloc_decompressor()))
            goto oom;
    pipe = tool_pipeline_start(jobs - 1, VMDK_GRAIN_FETCH_MAX, PLAIN_CHUNK, inflate_work,
                               (void **)dec);
    if (!pipe)
        goto oom;
    status = 0;
    while (!status) {
        tool_slot *slot;
        while (offset < end && (slot = tool_pipeline_next(pipe))) {
            vmdk_grain_data grain;
            int err = vmdk_grain_fetch(image->disk, offset, &grain, slot->in, VMDK_GRAIN_FETCH_MAX);
            slot->offset = offset;
            if (err == 0 && grain.length <= end - offset && grain.inflated_max <= PLAIN_CHUNK) {
                slot->kind = SLOT_INFLATE;
                slot->in_len = grain.compressed_size;
                slot->length = grain.length;
                slot->aux[0] = grain.inflated_min;
                slot->aux[1] = grain.inflated_max;
                tool_pipeline_submit(pipe, slot, false);
                offset += grain.length;
                continue;
            }
            /* Not a whole compressed grain here (or it failed: the read
             * reports it): through core, up to where a grain may start. */
            uint64_t len = end - offset < PLAIN_CHUNK ? end - offset : PLAIN_CHUNK;
            if (err == VB_ENOTFOUND && grain.length < len)
                len = grain.length;
            slot->kind = SLOT_READY;
            slot->length = len;
            err = vmdk_read(image->disk, offset, slot->out, (size_t)len);
            if (err) {
                /* What came before goes out first, as in the plain path. */
                tool_slot *s;
                while (!status && (s = tool_pipeline_oldest(pipe))) {
                    status = emit(image, name, s);
                    tool_pipeline_release(pipe, s);
                }
                if (!status) {
                    tool_error(name, err, "%s", vmdk_detail(image->disk));
                    status = TOOL_EXIT_IMAGE;
                }
                goto done;
            }
            tool_pipeline_submit(pipe, slot, true);
            offset += len;
        }
        if (!(slot = tool_pipeline_oldest(pipe)))
            break;
        status = emit(image, name, slot);
        tool_pipeline_release(pipe, slot);
    }
    goto done;
oom:
    tool_error(name, VB_ELIMIT, "out of memory or threads");
done:
    tool_pipeline_stop(pipe);
    if (dec)
        for (unsigned i = 0; i < jobs; i++)
            libdeflate_free_decompressor(dec[i]);
    free(dec);
    return status;
}
