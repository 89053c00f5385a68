/* fuzz_grain.c: libFuzzer harness of vmdk_grain_fetch (core/vmdk/vmdk_grain.c),
 * the API that hands compressed grains to the host tool's inflate threads,
 * over the inputs of fuzz_vmdk (same multi-file format, "disk.vmdk" first).
 *
 * Invariants: the contract the threaded `vmdk cat` relies on. Walking the
 * disk by fetch results, a fetched grain fits the caller's buffer and its
 * sizes are consistent; when core's inflate turns its bytes into exactly
 * inflated_min or inflated_max bytes, vmdk_read of the grain succeeds with
 * those bytes, and otherwise vmdk_read fails; a fetch error other than
 * VB_ENOTFOUND is the error (and detail) vmdk_read gives there;
 * VB_ENOTFOUND names a stretch inside the disk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "inflate/inflate.h"
#include "memdir.h"
#include "vmdk/vmdk.h"

static vmdk_disk disk;
static inflate_state inflater;
static uint8_t compressed[VMDK_GRAIN_FETCH_MAX];
static uint8_t inflated[VB_GRAIN_BYTES_MAX];
static uint8_t readback[VB_GRAIN_BYTES_MAX];
static char detail[VB_DETAIL_MAX];

#define STEPS 64

static void walk(uint64_t cap) {
    uint64_t off = 0;
    for (int i = 0; i < STEPS && off < cap; i++) {
        vmdk_grain_data g;
        int r = vmdk_grain_fetch(&disk, off, &g, compressed, sizeof(compressed));
        FUZZ_ASSERT(r <= 0);
        if (r == VB_ENOTFOUND) {
            FUZZ_ASSERT(g.length > 0 && g.length <= cap - off);
            off += g.length;
            continue;
        }
        if (r) {
            /* The read path must fail the same way at the same place. */
            memcpy(detail, vmdk_detail(&disk), sizeof(detail));
            FUZZ_ASSERT(vmdk_read(&disk, off, readback, 1) == r);
            FUZZ_ASSERT(strcmp(detail, vmdk_detail(&disk)) == 0);
            return;
        }
        FUZZ_ASSERT(g.compressed_size <= sizeof(compressed));
        FUZZ_ASSERT(g.length > 0 && g.length <= cap - off);
        FUZZ_ASSERT(g.length <= g.inflated_min && g.inflated_min <= g.inflated_max);
        FUZZ_ASSERT(g.inflated_max <= VB_GRAIN_BYTES_MAX);
        size_t got = 0;
        vb_diag d;
        int ir = inflate_decompress(&inflater, INFLATE_FORMAT_AUTO, compressed, g.compressed_size,
                                    inflated, (size_t)g.inflated_max, &got, NULL, &d);
        bool good = ir == 0 && (got == g.inflated_min || got == g.inflated_max);
        int rr = vmdk_read(&disk, off, readback, (size_t)g.length);
        FUZZ_ASSERT(good == (rr == 0));
        if (good)
            FUZZ_ASSERT(memcmp(inflated, readback, (size_t)g.length) == 0);
        off += g.length;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    memdir dir;
    fuzz_split_memdir(&dir, data, size, "disk.vmdk");
    vmdk_open_options opts = {false, false};
    fuzz_allocator_init(&opts.memory);
    vb_source top;
    vb_opener opener;
    memdir_opener(&dir, &opener);
    FUZZ_ASSERT(memdir_source(&dir, "disk.vmdk", &top) == 0);
    if (vmdk_open(&disk, &top, "disk.vmdk", &opener, &opts) == 0) {
        uint64_t cap = vmdk_capacity(&disk);
        walk(cap);
        vmdk_grain_data g;
        FUZZ_ASSERT(vmdk_grain_fetch(&disk, cap, &g, compressed, sizeof(compressed)) == VB_ERANGE);
    }
    vmdk_close(&disk);
    memdir_source_free(&top);
    memdir_free(&dir);
    return 0;
}
