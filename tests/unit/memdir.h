/* memdir.h: an in-memory folder of named byte buffers with a vb_opener,
 * for unit tests and fuzzers of everything that opens files by name
 * (VMDK extents and parents).
 *
 * Files are copied in (memdir owns them). The opener counts opens, closes
 * and platform read calls, and can make reads of one byte range of a file
 * fail (with VB_EIO or a chosen code), so tests can assert close balance,
 * read batching and error paths. */
#ifndef VB_TEST_MEMDIR_H
#define VB_TEST_MEMDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/source.h"

typedef struct memdir_file {
    char *name;
    uint8_t *data;
    uint64_t size;
    uint64_t fail_from, fail_to; /* reads overlapping [from, to) fail with fail_err */
    int fail_err;                /* 0 means VB_EIO */
    bool readonly;               /* open_rw refuses it with VB_EREADONLY */
    uint8_t *durable;            /* keep_durable: the content at its last flush */
    uint64_t durable_size;
} memdir_file;

typedef struct memdir {
    memdir_file *files;
    size_t count, cap;
    unsigned long opens, closes; /* successful opens, closes */
    unsigned long creates;       /* successful creates (closes count them too) */
    unsigned long reads;         /* platform read calls over all files */
    unsigned long long read_bytes;
    char last_open[512]; /* last path asked for (found or not) */
    /* Write side (open_rw): counts, and a crash after fail_after more
     * write or flush calls (negative: never); from then on every write and
     * flush fails with VB_EIO. With keep_durable each file keeps a copy of
     * its content at its last flush (what a power cut would leave at
     * worst). */
    unsigned long writes, flushes;
    long fail_after;
    bool keep_durable;
} memdir;

void memdir_init(memdir *d);
void memdir_free(memdir *d);

/* Adds (or replaces) a file with a copy of data; returns the stored file. */
memdir_file *memdir_add(memdir *d, const char *name, const void *data, uint64_t size);
/* Adds a file holding a NUL-terminated string (a descriptor). */
memdir_file *memdir_add_text(memdir *d, const char *name, const char *text);
memdir_file *memdir_find(memdir *d, const char *name);

/* The opener over d: open(path) finds the file by exact name; open_rw
 * gives sources with write and flush (files grow as they are written; a
 * write past the end leaves zeros before it); create adds a new, empty
 * file (VB_EEXIST when the name is taken) and gives it the same way. */
void memdir_opener(memdir *d, vb_opener *ret_opener);

/* A writable source over a file of d (the top-level file of a disk opened
 * for writing). Release with memdir_source_free. */
int memdir_source_rw(memdir *d, const char *name, vb_source *ret_source);

/* A source over a file of d that counts reads like opened ones (for the
 * top-level file passed to vmdk_open). Release with memdir_source_free. */
int memdir_source(memdir *d, const char *name, vb_source *ret_source);
void memdir_source_free(vb_source *source);

#endif
