/* vmdk_testutil.c: see vmdk_testutil.h. */
#include "vmdk_testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_memory.h"

static vmdk_disk the_disk;

int td_open(test_disk *td, memdir *dir, const char *name, const vmdk_open_options *options) {
    memset(td, 0, sizeof(*td));
    td->disk = &the_disk;
    td->dir = dir;
    memdir_opener(dir, &td->opener);
    int r = memdir_source(dir, name, &td->top);
    if (r) {
        td->top.ctx = NULL;
        return r;
    }
    /* Every test disk gets the host allocator for streamOptimized buffers
     * unless the test brings its own (tests of a missing allocator call
     * vmdk_open directly). */
    vmdk_open_options opts = {0};
    if (options)
        opts = *options;
    if (!opts.memory.alloc)
        host_allocator_init(&opts.memory);
    return vmdk_open(td->disk, &td->top, name, &td->opener, &opts);
}

void td_close(test_disk *td) {
    vmdk_close(td->disk);
    if (td->top.ctx)
        memdir_source_free(&td->top);
}

bool td_read_equals(test_disk *td, uint64_t off, const uint8_t *want, size_t len) {
    uint8_t *got = malloc(len ? len : 1);
    memset(got, 0xee, len);
    int r = vmdk_read(td->disk, off, got, len);
    bool ok = r == 0 && memcmp(got, want, len) == 0;
    if (r)
        fprintf(stderr, "  read %zu at %llu: %s (%s)\n", len, (unsigned long long)off,
                vb_err_name(r), vmdk_detail(td->disk));
    else if (!ok)
        for (size_t i = 0; i < len; i++)
            if (got[i] != want[i]) {
                fprintf(stderr, "  read %zu at %llu: byte %llu is %02x, want %02x\n", len,
                        (unsigned long long)off, (unsigned long long)(off + i), got[i], want[i]);
                break;
            }
    free(got);
    return ok;
}

const char *td_text(const char *fmt, ...) {
    static char buf[1 << 16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return buf;
}
