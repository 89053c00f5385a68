/* memdir.c: see memdir.h. */
#include "memdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/error.h"

typedef struct memdir_handle {
    memdir *dir;
    size_t index;
} memdir_handle;

void memdir_init(memdir *d) {
    memset(d, 0, sizeof(*d));
    d->fail_after = -1;
}

void memdir_free(memdir *d) {
    for (size_t i = 0; i < d->count; i++) {
        free(d->files[i].name);
        free(d->files[i].data);
        free(d->files[i].durable);
    }
    free(d->files);
    memset(d, 0, sizeof(*d));
}

memdir_file *memdir_find(memdir *d, const char *name) {
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->files[i].name, name) == 0)
            return &d->files[i];
    return NULL;
}

memdir_file *memdir_add(memdir *d, const char *name, const void *data, uint64_t size) {
    memdir_file *f = memdir_find(d, name);
    if (!f) {
        if (d->count == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 16;
            d->files = realloc(d->files, d->cap * sizeof(*d->files));
            if (!d->files)
                abort();
        }
        f = &d->files[d->count++];
        memset(f, 0, sizeof(*f));
        f->name = strdup(name);
    } else {
        free(f->data);
    }
    f->data = malloc(size ? size : 1);
    if (!f->name || !f->data)
        abort();
    if (size)
        memcpy(f->data, data, size);
    f->size = size;
    f->fail_from = f->fail_to = 0;
    f->fail_err = 0;
    f->readonly = false;
    free(f->durable);
    f->durable = malloc(size ? size : 1);
    if (!f->durable)
        abort();
    if (size)
        memcpy(f->durable, data, size);
    f->durable_size = size;
    return f;
}

memdir_file *memdir_add_text(memdir *d, const char *name, const char *text) {
    return memdir_add(d, name, text, strlen(text));
}

static int handle_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    memdir_handle *h = ctx;
    memdir_file *f = &h->dir->files[h->index];
    if (offset > f->size || len > f->size - offset)
        return VB_ERANGE;
    h->dir->reads++;
    h->dir->read_bytes += len;
    if (f->fail_to > f->fail_from && offset < f->fail_to && offset + len > f->fail_from)
        return f->fail_err ? f->fail_err : VB_EIO;
    memcpy(buf, f->data + offset, len);
    return 0;
}

/* One more write or flush call: false once the simulated crash happened. */
static bool survive(memdir *d) {
    if (d->fail_after == 0)
        return false;
    if (d->fail_after > 0)
        d->fail_after--;
    return true;
}

static int handle_write(void *ctx, uint64_t offset, const void *buf, size_t len) {
    memdir_handle *h = ctx;
    memdir_file *f = &h->dir->files[h->index];
    if (!survive(h->dir))
        return VB_EIO;
    h->dir->writes++;
    if (offset + len > f->size) {
        f->data = realloc(f->data, offset + len);
        if (!f->data)
            abort();
        if (offset > f->size) /* the source's rule: a gap reads as zeros */
            memset(f->data + f->size, 0, offset - f->size);
        f->size = offset + len;
    }
    memcpy(f->data + offset, buf, len);
    return 0;
}

static int handle_flush(void *ctx) {
    memdir_handle *h = ctx;
    memdir_file *f = &h->dir->files[h->index];
    if (!survive(h->dir))
        return VB_EIO;
    h->dir->flushes++;
    if (h->dir->keep_durable) {
        f->durable = realloc(f->durable, f->size ? f->size : 1);
        if (!f->durable)
            abort();
        memcpy(f->durable, f->data, f->size);
        f->durable_size = f->size;
    }
    return 0;
}

static int make_source(memdir *d, const char *name, vb_source *ret_source) {
    memdir_file *f = memdir_find(d, name);
    if (!f)
        return VB_ENOTFOUND;
    memdir_handle *h = malloc(sizeof(*h));
    if (!h)
        abort();
    h->dir = d;
    h->index = (size_t)(f - d->files);
    ret_source->ctx = h;
    ret_source->size = f->size;
    ret_source->read = handle_read;
    ret_source->write = NULL;
    ret_source->flush = NULL;
    return 0;
}

static int make_source_rw(memdir *d, const char *name, vb_source *ret_source) {
    memdir_file *f = memdir_find(d, name);
    if (f && f->readonly)
        return VB_EREADONLY;
    int r = make_source(d, name, ret_source);
    if (r == 0) {
        ret_source->write = handle_write;
        ret_source->flush = handle_flush;
    }
    return r;
}

static int opener_open_rw(void *ctx, const char *path, vb_source *ret_source) {
    memdir *d = ctx;
    snprintf(d->last_open, sizeof(d->last_open), "%s", path);
    int r = make_source_rw(d, path, ret_source);
    if (r == 0)
        d->opens++;
    return r;
}

static int opener_create(void *ctx, const char *path, vb_source *ret_source) {
    memdir *d = ctx;
    snprintf(d->last_open, sizeof(d->last_open), "%s", path);
    if (memdir_find(d, path))
        return VB_EEXIST;
    memdir_add(d, path, "", 0);
    int r = make_source_rw(d, path, ret_source);
    if (r == 0)
        d->creates++;
    return r;
}

int memdir_source_rw(memdir *d, const char *name, vb_source *ret_source) {
    return make_source_rw(d, name, ret_source);
}

static int opener_open(void *ctx, const char *path, vb_source *ret_source) {
    memdir *d = ctx;
    snprintf(d->last_open, sizeof(d->last_open), "%s", path);
    int r = make_source(d, path, ret_source);
    if (r == 0)
        d->opens++;
    return r;
}

static void opener_close(void *ctx, vb_source *source) {
    memdir *d = ctx;
    d->closes++;
    free(source->ctx);
    source->ctx = NULL;
}

void memdir_opener(memdir *d, vb_opener *ret_opener) {
    ret_opener->ctx = d;
    ret_opener->open = opener_open;
    ret_opener->open_rw = opener_open_rw;
    ret_opener->create = opener_create;
    ret_opener->close = opener_close;
}

int memdir_source(memdir *d, const char *name, vb_source *ret_source) {
    return make_source(d, name, ret_source);
}

void memdir_source_free(vb_source *source) {
    free(source->ctx);
    source->ctx = NULL;
}
