/* memdir_sparse.h: sparse extents built with vmdk_image.h straight into a
 * memdir file, for the unit tests and fuzzers that open disks by name. */
#ifndef VB_TEST_MEMDIR_SPARSE_H
#define VB_TEST_MEMDIR_SPARSE_H

#include <stdint.h>
#include "memdir.h"
#include "vmdk_image.h"

/* Finishes b into the file name of d (added or replaced) and frees b. */
void memdir_sparse_add(memdir *d, const char *name, sparse_builder *b);

/* The file name of d built from spec: tables for the GD indexes below
 * `tables`, then every every-th grain from 0 (0: none) holding the test
 * pattern of seed (sb_put_pattern). */
void memdir_sparse_add_every(memdir *d, const char *name, const sparse_spec *spec, unsigned tables,
                             uint64_t every, uint64_t seed);

#endif
