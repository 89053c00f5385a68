/* failsource.c: see failsource.h. */
#include "failsource.h"

static int failsource_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    failsource *f = ctx;
    if (offset < f->to && offset + len > f->from) {
        f->failed++;
        return f->err;
    }
    return vb_source_read(f->inner, offset, buf, len);
}

void failsource_init(failsource *f, const vb_source *inner, uint64_t from, uint64_t to, int err,
                     vb_source *ret_source) {
    f->inner = inner;
    f->from = from;
    f->to = to;
    f->err = err;
    f->failed = 0;
    *ret_source = (vb_source){.ctx = f, .size = inner->size, .read = failsource_read};
}
