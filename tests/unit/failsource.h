/* failsource.h: a byte source that wraps another and fails every read
 * overlapping one byte range with a chosen error, for tests of what each
 * layer reports when the disk under it fails. */
#ifndef VB_TEST_FAILSOURCE_H
#define VB_TEST_FAILSOURCE_H

#include <stdint.h>
#include "lib/source.h"

typedef struct failsource {
    const vb_source *inner;
    uint64_t from, to; /* reads overlapping [from, to) fail */
    int err;           /* with this code */
    unsigned failed;   /* reads failed so far */
} failsource;

/* Fills *ret_source with a source over inner that fails as described; f
 * must outlive it. */
void failsource_init(failsource *f, const vb_source *inner, uint64_t from, uint64_t to, int err,
                     vb_source *ret_source);

#endif
