/* host_memory.c: see host_memory.h. malloc's alignment (16 on the hosts we
 * build for) satisfies core's 8. */
#include "host_memory.h"
#include <stdlib.h>
#include "lib/error.h"

static int host_alloc(void *ctx, size_t bytes, void **ret_ptr) {
    (void)ctx;
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        return VB_ELIMIT;
    *ret_ptr = p;
    return 0;
}

static void host_free(void *ctx, void *ptr, size_t bytes) {
    (void)ctx, (void)bytes;
    free(ptr);
}

void host_allocator_init(vb_allocator *ret) {
    *ret = (vb_allocator){.ctx = NULL, .alloc = host_alloc, .free = host_free};
}
