/* vmdk_writer.c: a new disk front to back (see vmdk_writer.h): routes the
 * data to its extent, opens and completes extents in order, and writes the
 * descriptor last. Sparse extents are filled by vmdk_fill.c. */
#include "vmdk/vmdk_writer.h"

#include "lib/util.h"
#include "vmdk/vmdk_descgen.h"

#define GRAIN_BYTES ((uint64_t)VMDK_LAYOUT_GRAIN_SECTORS * 512)

static const uint8_t zero_sector[512];

static int fail(vmdk_writer *w, int err) {
    w->failed = true;
    return err;
}

int vmdk_writer_begin(vmdk_writer *w, const vmdk_writer_params *p, const vb_opener *opener) {
    vb_memset(w, 0, sizeof(*w) - sizeof(w->text));
    w->text[0] = '\0';
    w->opener = *opener;
    w->failed = true; /* until begin succeeds */
    if (!vmdk_layout_type_name(p->type))
        return vb_fail(&w->diag, VB_EINVAL, "unknown disk kind %u", (unsigned)p->type);
    if (p->capacity == 0 || p->capacity % 512)
        return vb_fail(&w->diag, VB_EINVAL, "size %llu is not a positive multiple of 512 bytes",
                       (unsigned long long)p->capacity);
    if (p->parent_hint && p->type != VMDK_CREATE_MONOLITHIC_SPARSE)
        return vb_fail(&w->diag, VB_EINVAL, "a delta link is monolithicSparse, not %s",
                       vmdk_layout_type_name(p->type));
    if (!vb_strlcpy(w->top_name, p->top_name, sizeof(w->top_name)))
        return vb_fail(&w->diag, VB_ELIMIT, "file name too long");
    w->type = p->type;
    w->capacity = p->capacity / 512;
    int err = vmdk_layout_extent_count(w->type, w->capacity, &w->extent_count);
    if (err == VB_ELIMIT && w->type == VMDK_CREATE_MONOLITHIC_SPARSE)
        return vb_fail(&w->diag, err,
                       "monolithicSparse holds at most %llu bytes (use "
                       "twoGbMaxExtentSparse)",
                       (unsigned long long)vmdk_layout_sparse_max() * 512);
    if (err)
        return vb_fail(&w->diag, err, "%llu bytes are too large for %s (at most %u extents)",
                       (unsigned long long)p->capacity, vmdk_layout_type_name(w->type),
                       (unsigned)VB_EXTENTS_MAX);
    vmdk_descgen_params dp = {w->type, w->capacity,   w->top_name,
                              p->cid,  p->parent_cid, p->parent_hint};
    err = vmdk_descgen_text(&dp, w->text, sizeof(w->text), &w->text_len);
    if (err)
        return vb_fail(&w->diag, err, "cannot make the descriptor: %s",
                       err == VB_EINVAL ? "a name holds '\"' or a line break" : "it does not fit");
    if (w->type == VMDK_CREATE_MONOLITHIC_SPARSE && w->text_len >= VMDK_LAYOUT_DESC_SECTORS * 512)
        return vb_fail(&w->diag, VB_ELIMIT, "the descriptor does not fit its %u sectors",
                       VMDK_LAYOUT_DESC_SECTORS);
    if (!opener->create)
        return vb_fail(&w->diag, VB_EREADONLY, "%s: cannot create: the opener makes no files",
                       w->top_name);
    err = opener->create(opener->ctx, w->top_name, &w->top);
    if (err)
        return vb_fail(&w->diag, err, "%s: cannot create", w->top_name);
    w->top_open = true;
    w->failed = false;
    return 0;
}

static int open_extent(vmdk_writer *w) {
    int err =
        vmdk_layout_extent_name(w->type, w->top_name, w->extent, w->ext_name, sizeof(w->ext_name));
    if (err)
        return vb_fail(&w->diag, err, "extent file name too long");
    vmdk_layout_extent_span(w->type, w->capacity, w->extent, &w->ext_start, &w->ext_sectors);
    if (w->type == VMDK_CREATE_MONOLITHIC_SPARSE) {
        w->ext = w->top;
    } else {
        err = w->opener.create(w->opener.ctx, w->ext_name, &w->ext);
        if (err)
            return vb_fail(&w->diag, err, "%s: cannot create", w->ext_name);
    }
    w->extent_open = true;
    w->ext_end_written = 0;
    if (vmdk_layout_type_sparse(w->type))
        return vmdk_fill_begin(&w->fill, &w->ext, w->ext_sectors, w->ext_name, &w->diag);
    return 0;
}

static void close_file(vmdk_writer *w, vb_source *file) {
    if (w->opener.close)
        w->opener.close(w->opener.ctx, file);
}

/* Completes the open extent and moves on to the next. */
static int close_extent(vmdk_writer *w) {
    int err = 0;
    if (vmdk_layout_type_sparse(w->type)) {
        bool embedded = w->type == VMDK_CREATE_MONOLITHIC_SPARSE;
        err = vmdk_fill_finish(&w->fill, embedded ? w->text : NULL, w->text_len);
    } else {
        uint64_t size = w->ext_sectors * 512;
        if (w->ext_end_written < size) /* the file spans the whole extent */
            err = vb_source_write(&w->ext, size - 512, zero_sector, 512);
        if (!err)
            err = vb_source_flush(&w->ext);
        if (err)
            vb_fail(&w->diag, err, "%s: cannot complete the extent file", w->ext_name);
    }
    if (w->type != VMDK_CREATE_MONOLITHIC_SPARSE)
        close_file(w, &w->ext);
    w->extent_open = false;
    w->extent++;
    return err;
}

/* Makes the extent holding byte offset the open one. */
static int reach(vmdk_writer *w, uint64_t offset) {
    for (;;) {
        if (w->extent_open && offset < (w->ext_start + w->ext_sectors) * 512)
            return 0;
        int err = w->extent_open ? close_extent(w) : open_extent(w);
        if (err)
            return err;
    }
}

static bool aligned(const vmdk_writer *w, uint64_t offset, uint64_t len) {
    uint64_t unit = vmdk_layout_type_sparse(w->type) ? GRAIN_BYTES : 512;
    return offset % unit == 0 && (len % unit == 0 || offset + len == w->capacity * 512);
}

int vmdk_writer_put(vmdk_writer *w, uint64_t offset, const void *buf, size_t len) {
    if (w->failed)
        return VB_EINVAL;
    const uint8_t *data = buf;
    if (len == 0)
        return 0;
    if (offset < w->next || !vb_range_ok(offset, len, w->capacity * 512) ||
        !aligned(w, offset, len))
        return fail(w, vb_fail(&w->diag, VB_EINVAL,
                               "put of %zu bytes at %llu: out of order, past the end or unaligned",
                               len, (unsigned long long)offset));
    while (len) {
        int err = reach(w, offset);
        if (err)
            return fail(w, err);
        uint64_t in_ext = offset - w->ext_start * 512;
        uint64_t piece = VB_MIN((uint64_t)len, w->ext_sectors * 512 - in_ext);
        if (vmdk_layout_type_sparse(w->type)) {
            uint64_t grains = piece / GRAIN_BYTES + (piece % GRAIN_BYTES != 0);
            err = vmdk_fill_put(&w->fill, in_ext / GRAIN_BYTES, grains, data, piece);
        } else {
            err = vb_source_write(&w->ext, in_ext, data, (size_t)piece);
            if (err)
                vb_fail(&w->diag, err, "%s: cannot write at byte %llu", w->ext_name,
                        (unsigned long long)in_ext);
            w->ext_end_written = in_ext + piece;
        }
        if (err)
            return fail(w, err);
        offset += piece;
        data += piece;
        len -= (size_t)piece;
    }
    w->next = offset;
    return 0;
}

int vmdk_writer_finish(vmdk_writer *w) {
    if (w->failed)
        return VB_EINVAL;
    int err = 0;
    while (!err && (w->extent_open || w->extent < w->extent_count))
        err = w->extent_open ? close_extent(w) : open_extent(w);
    if (!err && w->type != VMDK_CREATE_MONOLITHIC_SPARSE) {
        /* The descriptor file last: only now does the disk exist. */
        err = vb_source_write(&w->top, 0, w->text, w->text_len);
        if (!err)
            err = vb_source_flush(&w->top);
        if (err)
            vb_fail(&w->diag, err, "%s: cannot write the descriptor", w->top_name);
    }
    if (err) {
        vmdk_writer_abort(w);
        return fail(w, err);
    }
    close_file(w, &w->top);
    w->top_open = false;
    w->failed = true; /* finished: nothing more to put */
    return 0;
}

void vmdk_writer_abort(vmdk_writer *w) {
    if (w->extent_open && w->type != VMDK_CREATE_MONOLITHIC_SPARSE)
        close_file(w, &w->ext);
    w->extent_open = false;
    if (w->top_open)
        close_file(w, &w->top);
    w->top_open = false;
    w->failed = true;
}

const char *vmdk_writer_detail(const vmdk_writer *w) {
    return w->diag.text;
}
