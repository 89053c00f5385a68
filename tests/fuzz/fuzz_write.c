/* fuzz_write.c: libFuzzer harness of the VMDK writer: random sequences of
 * write, flush, clean close + reopen and crash + reopen on a small image
 * held in RAM (an in-memory folder with a write side), each followed by a
 * whole-disk compare against a RAM mirror.
 *
 * Input: byte 0 picks the image (monolithic sparse, the same with the
 * zeroed-grain flag, a delta over a parent, two flat extents and a ZERO
 * extent); the rest is a list of operations, 6 bytes each: kind, offset
 * (2 bytes, in 512-byte units plus a byte shift), length (2 bytes), data
 * seed. Writes over the ZERO extent are zeros there.
 *
 * Invariants besides the sanitizers: writes and flushes succeed; after
 * every operation the disk reads as the mirror; after a reopen vmdk_check
 * is clean; every source is closed and every block lent is given back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "memdir_sparse.h"
#include "vmdk/vmdk_write.h"

#define CAP_SECTORS 256u /* 128 KiB */
#define CAP_BYTES   (CAP_SECTORS * 512u)
#define GRAIN       8u /* 4 KiB grains, 4 per table: 8 tables */
#define MAX_OPS     32

static vmdk_disk disk;
static uint8_t mirror[CAP_BYTES], got[CAP_BYTES], data[CAP_BYTES];

static void add_sparse(memdir *d, const char *name, const char *desc, uint32_t flags,
                       unsigned every, uint64_t seed) {
    sparse_spec spec = {IMG_KDMV, CAP_SECTORS, GRAIN, 4, 1, flags | VMDK_FLAG_REDUNDANT_GD,
                        true,     desc,        0};
    memdir_sparse_add_every(d, name, &spec, 0, every, seed);
}

#define DESC(cid, pcid, extra, ext)                                                                \
    "# Disk DescriptorFile\nversion=1\nCID=" cid "\nparentCID=" pcid                               \
    "\ncreateType=\"monolithicSparse\"\n" extra ext "\n"

static const char *make_image(memdir *d, unsigned which) {
    switch (which % 4) {
    case 0:
        add_sparse(d, "w.vmdk", DESC("12345678", "ffffffff", "", "RW 256 SPARSE \"w.vmdk\""), 0, 3,
                   1);
        return "w.vmdk";
    case 1:
        add_sparse(d, "w.vmdk", DESC("1a", "ffffffff", "", "RW 256 SPARSE \"w.vmdk\""),
                   VMDK_FLAG_ZEROED_GTE, 0, 1);
        return "w.vmdk";
    case 2:
        add_sparse(d, "p.vmdk", DESC("0000abcd", "ffffffff", "", "RW 256 SPARSE \"p.vmdk\""), 0, 1,
                   2);
        add_sparse(d, "c.vmdk",
                   DESC("00000001", "0000abcd", "parentFileNameHint=\"p.vmdk\"\n",
                        "RW 256 SPARSE \"c.vmdk\""),
                   VMDK_FLAG_ZEROED_GTE, 5, 3);
        return "c.vmdk";
    default:
        pattern_fill(data, CAP_BYTES, 4, 0);
        memdir_add(d, "f1.bin", data, CAP_BYTES / 2);
        memdir_add(d, "f2.bin", data, CAP_BYTES / 4);
        memdir_add_text(d, "f.vmdk",
                        "# Disk DescriptorFile\nversion=1\nCID=00000002\nparentCID=ffffffff\n"
                        "createType=\"monolithicFlat\"\nRW 128 FLAT \"f1.bin\" 0\nRW 64 ZERO\n"
                        "RW 64 FLAT \"f2.bin\" 0\n");
        return "f.vmdk";
    }
}

static vb_source top;
static vb_opener opener;

static void open_disk(memdir *d, const char *name, bool writable) {
    memdir_opener(d, &opener);
    FUZZ_ASSERT((writable ? memdir_source_rw(d, name, &top) : memdir_source(d, name, &top)) == 0);
    vmdk_open_options o = {.writable = writable, .cid_seed = 5};
    fuzz_allocator_init(&o.memory);
    int r = vmdk_open(&disk, &top, name, &opener, &o);
    if (r)
        fprintf(stderr, "open: %s\n", vmdk_detail(&disk));
    FUZZ_ASSERT(r == 0);
    FUZZ_ASSERT(vmdk_capacity(&disk) == CAP_BYTES);
}

static void close_disk(bool clean) {
    if (clean)
        FUZZ_ASSERT(vmdk_close_flush(&disk) == 0);
    else
        vmdk_close(&disk);
    memdir_source_free(&top);
}

static void compare(void) {
    FUZZ_ASSERT(vmdk_read(&disk, 0, got, CAP_BYTES) == 0);
    FUZZ_ASSERT(memcmp(got, mirror, CAP_BYTES) == 0);
}

/* Reopens: read-only first (check must be clean), then for writing. */
static void reopen(memdir *d, const char *name, bool clean) {
    close_disk(clean);
    open_disk(d, name, false);
    FUZZ_ASSERT(vmdk_check(&disk, NULL, NULL) == 0);
    compare();
    close_disk(false);
    open_disk(d, name, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    if (size < 1)
        return 0;
    memdir d;
    memdir_init(&d);
    unsigned which = in[0] % 4;
    const char *name = make_image(&d, which);
    open_disk(&d, name, false);
    FUZZ_ASSERT(vmdk_read(&disk, 0, mirror, CAP_BYTES) == 0);
    close_disk(false);
    open_disk(&d, name, true);
    unsigned ops = 0;
    for (size_t at = 1; at + 6 <= size && ops < MAX_OPS; at += 6, ops++) {
        const uint8_t *op = in + at;
        uint64_t off = ((uint64_t)(op[1] | op[2] << 8) * 512 + op[3]) % CAP_BYTES;
        uint64_t len = 1 + (uint64_t)(op[4] | (op[3] & 0x7f) << 8) * 9 % (4 * GRAIN * 512);
        if (len > CAP_BYTES - off)
            len = CAP_BYTES - off;
        switch (op[0] % 8) {
        case 0: /* flush */
            FUZZ_ASSERT(vmdk_flush(&disk) == 0);
            break;
        case 1: /* clean close, reopen */
            reopen(&d, name, true);
            break;
        case 2: /* a crash (no close), reopen */
            reopen(&d, name, false);
            break;
        default: {
            if (op[5] & 1)
                memset(data, 0, len);
            else
                pattern_fill(data, len, op[5], off);
            if (which == 3) /* the ZERO extent: zeros only */
                for (uint64_t i = 0; i < len; i++)
                    if (off + i >= CAP_BYTES / 2 && off + i < CAP_BYTES * 3 / 4)
                        data[i] = 0;
            int r = vmdk_write(&disk, off, data, len);
            if (r)
                fprintf(stderr, "write %llu at %llu: %s\n", (unsigned long long)len,
                        (unsigned long long)off, vmdk_detail(&disk));
            FUZZ_ASSERT(r == 0);
            memcpy(mirror + off, data, len);
            break;
        }
        }
        compare();
    }
    reopen(&d, name, true);
    close_disk(false);
    FUZZ_ASSERT(d.opens == d.closes);
    FUZZ_ASSERT(fuzz_allocations_outstanding == 0);
    memdir_free(&d);
    return 0;
}
