/* host_memory.h: the host's allocator for the memory core borrows (the
 * streamOptimized buffers of a vmdk_disk): malloc and free. */
#ifndef VB_HOST_MEMORY_H
#define VB_HOST_MEMORY_H

#include "lib/alloc.h"

/* Fills *ret with an allocator over malloc/free (ctx unused). */
void host_allocator_init(vb_allocator *ret);

#endif
