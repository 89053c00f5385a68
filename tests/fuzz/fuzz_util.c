/* fuzz_util.c: see fuzz_util.h. */
#define _GNU_SOURCE
#include "fuzz_util.h"

#include <string.h>
#include "lib/error.h"

void fuzz_rng_init(fuzz_rng *rng, const uint8_t *data, size_t size) {
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (size_t i = 0; i < size; i++) {
        h ^= data[i];
        h *= 0x100000001b3ull;
    }
    rng->state = h ^ size;
}

uint64_t fuzz_rng_next(fuzz_rng *rng) {
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t fuzz_rng_below(fuzz_rng *rng, uint64_t n) {
    return fuzz_rng_next(rng) % n;
}

void fuzz_walk_init(fuzz_walk *w, const uint8_t *data, size_t size, uint64_t budget) {
    w->entries = 0;
    w->budget = budget;
    fuzz_rng_init(&w->rng, data, size);
}

void fuzz_walk_read(fuzz_walk *w, const vb_source *src, uint64_t off, uint8_t *buf, size_t len) {
    while (off < src->size && w->budget > 0) {
        size_t n = 1 + (size_t)fuzz_rng_below(&w->rng, len);
        if (n > src->size - off)
            n = (size_t)(src->size - off);
        if (n > w->budget)
            n = (size_t)w->budget;
        int r = src->read(src->ctx, off, buf, n);
        FUZZ_ASSERT(r <= 0);
        if (r)
            break;
        w->budget -= n;
        off += n;
    }
    FUZZ_ASSERT(vb_source_read(src, src->size, buf, 1) == VB_ERANGE);
    if (src->size > 0 && w->budget > 0)
        (void)vb_source_read(src, src->size - 1, buf, 1);
}

/* Core reads through vb_source_read(), which range-checks: a read that
 * reaches past the size here means some path bypassed it (a finding). */
static int zsource_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    fuzz_zsource *z = ctx;
    uint8_t *out = buf;
    FUZZ_ASSERT(offset <= z->size && len <= z->size - offset);
    z->reads++;
    if (offset < z->len) {
        size_t n = z->len - (size_t)offset < len ? z->len - (size_t)offset : len;
        memcpy(out, z->data + offset, n);
        out += n;
        len -= n;
    }
    memset(out, 0, len);
    return 0;
}

void fuzz_zsource_init(fuzz_zsource *z, const uint8_t *data, size_t len, uint64_t size,
                       vb_source *ret_source) {
    z->data = data;
    z->len = len;
    z->size = size;
    z->reads = 0;
    ret_source->ctx = z;
    ret_source->size = size;
    ret_source->read = zsource_read;
    ret_source->write = NULL; /* read-only */
    ret_source->flush = NULL;
}

size_t fuzz_split(const uint8_t *data, size_t size, const char *top_name,
                  void (*add)(void *ctx, const char *name, const uint8_t *bytes, size_t n),
                  void *ctx) {
    const size_t sep_len = strlen(FUZZ_FILE_SEP);
    size_t files = 0;
    const uint8_t *p = data, *end = data + size;
    char name[256];
    snprintf(name, sizeof(name), "%s", top_name);
    for (;;) {
        const uint8_t *next = memmem(p, (size_t)(end - p), FUZZ_FILE_SEP, sep_len);
        const uint8_t *stop = next ? next : end;
        add(ctx, name, p, (size_t)(stop - p));
        files++;
        if (!next)
            return files;
        p = next + sep_len;
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        p = nl ? nl + 1 : end;
    }
}

static void split_add(void *ctx, const char *name, const uint8_t *bytes, size_t n) {
    memdir_add(ctx, name, bytes, n);
}

size_t fuzz_split_memdir(memdir *d, const uint8_t *data, size_t size, const char *top_name) {
    memdir_init(d);
    return fuzz_split(data, size, top_name, split_add, d);
}

unsigned long fuzz_allocations_outstanding;

/* Each block carries its size in front, so a free with a different byte
 * count (or of something never allocated) is caught. */
static int fuzz_alloc(void *ctx, size_t bytes, void **ret_ptr) {
    (void)ctx;
    uint64_t *p = malloc(bytes + 16);
    FUZZ_ASSERT(p != NULL);
    p[0] = bytes;
    p[1] = 0x66757a7a616c6c6full; /* "fuzzallo" */
    fuzz_allocations_outstanding++;
    *ret_ptr = p + 2;
    return 0;
}

static void fuzz_free(void *ctx, void *ptr, size_t bytes) {
    (void)ctx;
    FUZZ_ASSERT(ptr != NULL);
    uint64_t *p = (uint64_t *)ptr - 2;
    FUZZ_ASSERT(p[0] == bytes && p[1] == 0x66757a7a616c6c6full);
    FUZZ_ASSERT(fuzz_allocations_outstanding > 0);
    p[1] = 0;
    fuzz_allocations_outstanding--;
    free(p);
}

void fuzz_allocator_init(vb_allocator *ret) {
    ret->ctx = NULL;
    ret->alloc = fuzz_alloc;
    ret->free = fuzz_free;
}
