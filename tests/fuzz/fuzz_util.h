/* fuzz_util.h: helpers shared by the libFuzzer harnesses of tests/fuzz/:
 * a deterministic random stream derived from the input, a byte source that
 * reads as zeros past the end of the input (so a few-KB seed can stand for
 * a large disk), bounded filesystem walks, and the multi-file input
 * format of fuzz_vmdk.
 *
 * The harnesses are built twice: with clang's libFuzzer (the fuzzers) and
 * with gcc against replay_main.c (replaying the committed corpus and
 * regressions under the plain host sanitizer build). */
#ifndef VB_FUZZ_UTIL_H
#define VB_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/alloc.h"
#include "lib/source.h"
#include "memdir.h"

/* A harness invariant that does not hold: print and abort (a finding). */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* splitmix64 seeded from a hash of the input: the same input always takes
 * the same path, so every finding reproduces. */
typedef struct fuzz_rng {
    uint64_t state;
} fuzz_rng;

void fuzz_rng_init(fuzz_rng *rng, const uint8_t *data, size_t size);
uint64_t fuzz_rng_next(fuzz_rng *rng);
/* Uniform-ish in [0, n) (n > 0). */
uint64_t fuzz_rng_below(fuzz_rng *rng, uint64_t n);

/* A source over data[0, len) that is `size` bytes long: bytes past len read
 * as zeros. size may be smaller than len (the tail is then unreachable). */
typedef struct fuzz_zsource {
    const uint8_t *data;
    size_t len;
    uint64_t size;
    uint64_t reads; /* read calls */
} fuzz_zsource;

void fuzz_zsource_init(fuzz_zsource *z, const uint8_t *data, size_t len, uint64_t size,
                       vb_source *ret_source);

/* A bounded walk of a filesystem (fuzz_ext4, fuzz_fat): entries visited
 * so far, bytes it may still read, and its random stream (from the input). */
typedef struct fuzz_walk {
    unsigned entries;
    uint64_t budget;
    fuzz_rng rng;
} fuzz_walk;

void fuzz_walk_init(fuzz_walk *w, const uint8_t *data, size_t size, uint64_t budget);

/* Reads a file source from off in random chunk sizes (1 to len bytes into
 * buf) while the budget lasts, up to the first failing read (each returns
 * 0 or a negative error); then a read at its end must be VB_ERANGE, and
 * its last byte is read. */
void fuzz_walk_read(fuzz_walk *w, const vb_source *src, uint64_t off, uint8_t *buf, size_t len);

/* An allocator over malloc/free (what core borrows: streamOptimized
 * buffers) that checks each free against its allocation and counts the
 * blocks not given back, so a harness can assert that close releases
 * everything. */
void fuzz_allocator_init(vb_allocator *ret);
extern unsigned long fuzz_allocations_outstanding;

/* Multi-file input (fuzz_vmdk): the first file is everything up to the
 * first separator; each separator is followed by the next file's name up
 * to a newline, then its bytes:
 *     TOP-BYTES ["\n%%vbfile " NAME "\n" BYTES]...
 * fuzz_split calls add(ctx, name, bytes, n) for each file; the top file
 * gets the name `top_name`. Returns the number of files. */
#define FUZZ_FILE_SEP "\n%%vbfile "
size_t fuzz_split(const uint8_t *data, size_t size, const char *top_name,
                  void (*add)(void *ctx, const char *name, const uint8_t *bytes, size_t n),
                  void *ctx);
/* A new memdir d holding the files of a multi-file input (fuzz_vmdk,
 * fuzz_grain); release with memdir_free. */
size_t fuzz_split_memdir(memdir *d, const uint8_t *data, size_t size, const char *top_name);

#endif
