/* memdir_sparse.c: see memdir_sparse.h. */
#include "memdir_sparse.h"

#include <stdlib.h>

void memdir_sparse_add(memdir *d, const char *name, sparse_builder *b) {
    size_t size;
    uint8_t *img = sb_finish_file(b, &size);
    memdir_add(d, name, img, size);
    free(img);
}

void memdir_sparse_add_every(memdir *d, const char *name, const sparse_spec *spec, unsigned tables,
                             uint64_t every, uint64_t seed) {
    sparse_builder b;
    sb_init(&b, spec);
    for (unsigned t = 0; t < tables; t++)
        sb_alloc_table(&b, t);
    for (uint64_t g = 0; every && g < spec->capacity / spec->grain; g += every)
        sb_put_pattern(&b, g, seed, NULL);
    memdir_sparse_add(d, name, &b);
}
