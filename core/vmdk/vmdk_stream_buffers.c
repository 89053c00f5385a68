/* vmdk_stream_buffers.c: the streamOptimized state of a disk. Its large buffers
 * (VMDK_STREAM_BUFFER_BYTES: decompressed grains, compressed-input window,
 * marker-walk map, inflate tables) live in one block of memory borrowed
 * from the caller's allocator (vmdk_open_options.memory) when the disk
 * opens its first compressed extent, and given back by vmdk_close. A disk
 * without compressed extents never asks. Trusts the allocator to return
 * what it was asked for; checks only its alignment. */
#include "vmdk/vmdk_internal.h"
#include "lib/util.h"

int vmdk_stream_buffers_get(vmdk_disk *disk, const char *name) {
    vmdk_stream_state *st = &disk->stream;
    const vb_allocator *mem = &disk->options.memory;
    const size_t bytes = VMDK_STREAM_BUFFER_BYTES;
    if (st->buffers)
        return 0;
    if (!mem->alloc)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: a compressed (streamOptimized) extent needs %zu bytes of buffers, but "
                       "no allocator was given",
                       name, bytes);
    void *p = NULL;
    int r = mem->alloc(mem->ctx, bytes, &p);
    if (r < 0 || !p)
        return vb_fail(&disk->diag, VB_ELIMIT,
                       "%s: a compressed (streamOptimized) extent needs %zu bytes of buffers, and "
                       "the allocator could not provide them (%s)",
                       name, bytes, r < 0 ? vb_err_message(r) : "no memory returned");
    if ((uintptr_t)p % 8 != 0) {
        if (mem->free)
            mem->free(mem->ctx, p, bytes);
        return vb_fail(&disk->diag, VB_EINVAL,
                       "%s: the allocator returned memory that is not 8-byte aligned", name);
    }
    uint8_t *at = p;
    st->buffers = p;
    st->buffer_bytes = bytes;
    st->grains = (uint8_t(*)[VB_GRAIN_BYTES_MAX])(void *)at;
    at += VMDK_STREAM_ROUND8(VMDK_STREAM_GRAINS_BYTES);
    st->window = at;
    at += VMDK_STREAM_ROUND8((size_t)VMDK_STREAM_WINDOW_BYTES);
    st->walk = (vmdk_walk_entry *)(void *)at;
    at += VMDK_STREAM_ROUND8(VMDK_STREAM_WALK_BYTES);
    st->inflate = (inflate_state *)(void *)at;
    return 0;
}

void vmdk_stream_buffers_release(vmdk_disk *disk) {
    vmdk_stream_state *st = &disk->stream;
    const vb_allocator *mem = &disk->options.memory;
    if (st->buffers && mem->free)
        mem->free(mem->ctx, st->buffers, st->buffer_bytes);
    /* Nothing may point into the released block: no buffers, no cached
     * window, grain or walk map. */
    vmdk_stream_buffers_reset(st);
}

void vmdk_stream_buffers_reset(vmdk_stream_state *st) {
    st->buffers = NULL;
    st->buffer_bytes = 0;
    st->inflate = NULL;
    st->walk = NULL;
    st->window = NULL;
    st->grains = NULL;
    st->window_extent = 0;
    st->window_offset = 0;
    st->window_len = 0;
    st->clock = 0;
    for (unsigned i = 0; i < VB_GRAIN_CACHE_ENTRIES; i++)
        st->slots[i].extent = 0;
    st->walk_extent = 0;
    st->walk_count = 0;
    st->walk_end_sector = 0;
    st->walk_end = VMDK_WALK_EOS;
    st->walk_cause = 0;
    st->walk_cause_text[0] = '\0';
    st->grains_inflated = 0;
    st->grain_cache_hits = 0;
    st->window_loads = 0;
}
