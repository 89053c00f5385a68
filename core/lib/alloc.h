/* alloc.h: memory a caller lends to core. core/ never allocates by itself:
 * an object that needs large buffers only in some cases (a VMDK disk that
 * opens a streamOptimized extent) asks the caller's allocator for them at
 * that moment and gives them back when it is closed. */
#ifndef VB_ALLOC_H
#define VB_ALLOC_H

#include <stddef.h>

typedef struct vb_allocator {
    void *ctx; /* passed to both callbacks */
    /* Sets *ret_ptr to bytes bytes of memory aligned to 8 and returns 0, or
     * returns a negative vb_err (*ret_ptr untouched). NULL: no allocator. */
    int (*alloc)(void *ctx, size_t bytes, void **ret_ptr);
    /* Gives back what alloc returned, with the same byte count. May be NULL
     * (memory that needs no release). */
    void (*free)(void *ctx, void *ptr, size_t bytes);
} vb_allocator;

#endif
