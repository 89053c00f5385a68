/* fuzz_vmdk.c: libFuzzer harness of the VMDK reader as a whole: open
 * (descriptor, KDMV, COWD, flat, ZERO, delta chains, streamOptimized),
 * reads at odd offsets and lengths, the allocation map and check, over an
 * in-memory folder so multi-file disks and parent chains are fuzzed too.
 *
 * Input: the multi-file format of fuzz_util.h; the first file is
 * "disk.vmdk". A file named ".opts" sets open options (byte 0 bit 0:
 * allow_escape, bit 1: ignore_cid) and, with byte 0 bit 2, makes reads of
 * one file fail with VB_EIO: byte 1 picks the file (index modulo the file
 * count), bytes 2-5 and 6-9 (little-endian) the first byte and length of
 * the failing range, so error paths (cache blocks, windows, walks) are
 * fuzzed as well.
 *
 * Invariants checked besides the sanitizers: every source the opener gave
 * out is closed, and every block the allocator lent is given back; capacity is whole sectors; reads
 * past the capacity are VB_ERANGE; map runs tile the disk; HOLE and ZERO runs read as zeros; DATA
 * runs of uncompressed extents read as the bytes at their file offset; check returns the first
 * problem it reported. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "memdir.h"
#include "lib/util.h"
#include "vmdk/vmdk.h"

static vmdk_disk disk;
static uint8_t buf[128 * 1024];
static uint8_t cmp[4096];

/* Budget per input: keep each execution in the millisecond range. */
#define READ_BUDGET (2u * 1024u * 1024u)
#define MAP_RUNS    128

typedef struct check_count {
    unsigned problems;
    int first;
} check_count;

static void on_problem(void *ctx, int err, const char *problem) {
    check_count *c = ctx;
    FUZZ_ASSERT(err < 0 && problem != NULL);
    FUZZ_ASSERT(strlen(problem) < VB_DETAIL_MAX);
    if (c->problems++ == 0)
        c->first = err;
}

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Reads [off, off + len) in one call; returns the result. */
static int read_at(uint64_t off, size_t len) {
    FUZZ_ASSERT(len <= sizeof(buf));
    int r = vmdk_read(&disk, off, buf, len);
    FUZZ_ASSERT(r <= 0);
    if (r)
        FUZZ_ASSERT(strlen(vmdk_detail(&disk)) < VB_DETAIL_MAX);
    return r;
}

static void exercise_reads(fuzz_rng *rng, uint64_t cap) {
    uint64_t budget = READ_BUDGET;
    /* From the start, in chunks of odd sizes. */
    uint64_t off = 0;
    while (off < cap && budget > 0) {
        size_t len = 1 + (size_t)fuzz_rng_below(rng, 9000);
        if (len > cap - off)
            len = (size_t)(cap - off);
        if (read_at(off, len) != 0)
            break;
        off += len;
        budget = budget > len ? budget - len : 0;
        if (off > 512 * 1024)
            break;
    }
    /* Random reads anywhere, including the last bytes. */
    for (int i = 0; i < 24 && budget > 0; i++) {
        uint64_t at = i == 0 ? cap - 1 : fuzz_rng_below(rng, cap);
        size_t len = 1 + (size_t)fuzz_rng_below(rng, i % 4 == 3 ? sizeof(buf) : 1500);
        if (len > cap - at)
            len = (size_t)(cap - at);
        read_at(at, len);
        budget = budget > len ? budget - len : 0;
    }
    /* Zero-length reads and reads past the end. */
    FUZZ_ASSERT(vmdk_read(&disk, cap, buf, 0) == 0);
    FUZZ_ASSERT(vmdk_read(&disk, cap, buf, 1) == VB_ERANGE);
    FUZZ_ASSERT(vmdk_read(&disk, cap - 1, buf, 2) == VB_ERANGE);
    FUZZ_ASSERT(vmdk_read(&disk, UINT64_MAX, buf, 2) == VB_ERANGE);
}

static void exercise_map(uint64_t cap) {
    uint64_t off = 0;
    uint64_t budget = READ_BUDGET;
    for (int i = 0; i < MAP_RUNS && off < cap; i++) {
        vmdk_run run;
        if (vmdk_map(&disk, off, &run) != 0)
            return;
        FUZZ_ASSERT(run.offset == off);
        FUZZ_ASSERT(run.length > 0 && run.length <= cap - off);
        FUZZ_ASSERT(run.link < disk.link_count);
        FUZZ_ASSERT(run.extent < disk.links[run.link].extent_count);
        size_t n = (size_t)(run.length < sizeof(cmp) ? run.length : sizeof(cmp));
        if (budget >= n && (run.kind == VMDK_RUN_HOLE || run.kind == VMDK_RUN_ZERO)) {
            budget -= n;
            if (read_at(off, n) == 0)
                FUZZ_ASSERT(all_zero(buf, n));
        }
        const vmdk_extent *ext = &disk.extents[disk.links[run.link].first_extent + run.extent];
        if (budget >= n && run.kind == VMDK_RUN_DATA && !ext->sparse.compressed) {
            budget -= n;
            if (read_at(off, n) == 0 && vb_source_read(&ext->src, run.file_offset, cmp, n) == 0)
                FUZZ_ASSERT(memcmp(buf, cmp, n) == 0);
        }
        if (run.kind == VMDK_RUN_NOACCESS)
            FUZZ_ASSERT(vmdk_read(&disk, off, buf, 1) == VB_ENOACCESS);
        off += run.length;
    }
    vmdk_run run;
    FUZZ_ASSERT(vmdk_map(&disk, cap, &run) == VB_ERANGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    memdir dir;
    fuzz_split_memdir(&dir, data, size, "disk.vmdk");
    vmdk_open_options opts = {false, false};
    fuzz_allocator_init(&opts.memory);
    memdir_file *of = memdir_find(&dir, ".opts");
    if (of && of->size > 0) {
        opts.allow_escape = (of->data[0] & 1) != 0;
        opts.ignore_cid = (of->data[0] & 2) != 0;
        if ((of->data[0] & 4) && of->size >= 10) {
            memdir_file *victim = &dir.files[of->data[1] % dir.count];
            uint64_t from = vb_le32(of->data + 2), len = vb_le32(of->data + 6);
            victim->fail_from = from;
            victim->fail_to = from + (len ? len : 1);
        }
    }
    vb_source top;
    vb_opener opener;
    memdir_opener(&dir, &opener);
    FUZZ_ASSERT(memdir_source(&dir, "disk.vmdk", &top) == 0);
    int r = vmdk_open(&disk, &top, "disk.vmdk", &opener, &opts);
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(vmdk_detail(&disk)) < VB_DETAIL_MAX);
    if (r == 0) {
        uint64_t cap = vmdk_capacity(&disk);
        vb_source ds;
        vmdk_disk_source(&disk, &ds);
        FUZZ_ASSERT(ds.size == cap && cap % 512 == 0);
        if (cap > 0)
            FUZZ_ASSERT(ds.read(ds.ctx, cap - 1, buf, 1) <= 0);
        if (cap > 0) {
            fuzz_rng rng;
            fuzz_rng_init(&rng, data, size);
            exercise_reads(&rng, cap);
            exercise_map(cap);
        }
        check_count cc = {0, 0};
        r = vmdk_check(&disk, on_problem, &cc);
        FUZZ_ASSERT(cc.problems ? r == cc.first : r == 0);
    } else {
        FUZZ_ASSERT(vmdk_read(&disk, 0, buf, 1) == VB_EINVAL);
    }
    vmdk_close(&disk);
    vmdk_close(&disk); /* twice is allowed */
    FUZZ_ASSERT(dir.opens == dir.closes);
    FUZZ_ASSERT(fuzz_allocations_outstanding == 0);
    memdir_source_free(&top);
    memdir_free(&dir);
    return 0;
}
