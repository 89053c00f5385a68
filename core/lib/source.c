/* source.c: the range-checked read helper, slices and memory sources. */
#include "lib/source.h"
#include "lib/error.h"
#include "lib/util.h"

int vb_source_read(const vb_source *src, uint64_t offset, void *buf, size_t len) {
    if (!vb_range_ok(offset, len, src->size))
        return VB_ERANGE;
    if (len == 0)
        return 0;
    return src->read(src->ctx, offset, buf, len);
}

int vb_source_write(vb_source *src, uint64_t offset, const void *buf, size_t len) {
    uint64_t end;
    if (!src->write)
        return VB_EREADONLY;
    /* Anywhere, gaps included (they read as zeros), but no overflow. */
    if (vb_add_overflow_u64(offset, len, &end))
        return VB_ERANGE;
    if (len == 0)
        return 0;
    int r = src->write(src->ctx, offset, buf, len);
    if (r == 0 && end > src->size)
        src->size = end;
    return r;
}

int vb_source_flush(const vb_source *src) {
    if (!src->write)
        return VB_EREADONLY;
    return src->flush ? src->flush(src->ctx) : 0;
}

static int slice_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    const vb_slice *slice = ctx;
    if (!vb_range_ok(offset, len, slice->size))
        return VB_ERANGE;
    return vb_source_read(slice->parent, slice->offset + offset, buf, len);
}

int vb_slice_init(vb_slice *slice, const vb_source *parent, uint64_t offset, uint64_t size,
                  vb_source *ret_source) {
    if (!vb_range_ok(offset, size, parent->size))
        return VB_ERANGE;
    slice->parent = parent;
    slice->offset = offset;
    slice->size = size;
    *ret_source = (vb_source){.ctx = slice, .size = size, .read = slice_read};
    return 0;
}

static int mem_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    const vb_memsource *mem = ctx;
    if (!vb_range_ok(offset, len, mem->size))
        return VB_ERANGE;
    vb_memcpy(buf, mem->data + offset, len);
    return 0;
}

void vb_memsource_init(vb_memsource *mem, const void *data, uint64_t size, vb_source *ret_source) {
    mem->data = data;
    mem->size = size;
    *ret_source = (vb_source){.ctx = mem, .size = size, .read = mem_read};
}
