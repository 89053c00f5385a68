/* fuzz_writer.c: libFuzzer harness of the writer of new disks
 * (vmdk_writer): the input picks a kind, a capacity (1 to 8192 sectors,
 * so a grain or a table boundary falls anywhere) and a sequence of puts
 * (gaps, runs of grains or sectors, a pattern byte; sometimes one that is
 * out of order, unaligned or past the end). The disk is written into
 * memory files (memdir's create), opened by the reader and compared with
 * a RAM mirror.
 *
 * Invariants: a put the contract allows succeeds, any other fails with
 * VB_EINVAL and every later call fails too; a finished disk opens and
 * reads back exactly the mirror; every file created is closed once. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_util.h"
#include "lib/util.h"
#include "memdir.h"
#include "vmdk/vmdk.h"
#include "vmdk/vmdk_writer.h"

#define MAX_SECTORS 8192u
#define GRAIN       65536u

static vmdk_writer writer;
static vmdk_disk disk;
static uint8_t mirror[MAX_SECTORS * 512], data[MAX_SECTORS * 512], back[MAX_SECTORS * 512];

/* Nothing past metadata + data: every file stays below 4x the capacity. */
static void check_sizes(const memdir *dir) {
    for (size_t i = 0; i < dir->count; i++)
        FUZZ_ASSERT(dir->files[i].size <= 4 * MAX_SECTORS * 512);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    if (size < 3)
        return 0;
    vmdk_create_type type = (vmdk_create_type)(in[0] % VMDK_CREATE_TYPE_COUNT);
    uint64_t sectors = 1 + (vb_le16(in + 1) % MAX_SECTORS);
    uint64_t bytes = sectors * 512;
    bool sparse = vmdk_layout_type_sparse(type);
    uint64_t unit = sparse ? GRAIN : 512;
    memdir dir;
    memdir_init(&dir);
    vb_opener files;
    memdir_opener(&dir, &files); /* create refuses a name twice: each file once */
    vmdk_writer_params p = {type, bytes, "fz.vmdk", 0x1234567, 0xffffffff, NULL};
    FUZZ_ASSERT(vmdk_writer_begin(&writer, &p, &files) == 0);
    memset(mirror, 0, bytes);
    uint64_t next = 0;
    bool failed = false;
    for (size_t i = 3; i + 3 <= size && !failed; i += 3) {
        uint8_t op = in[i], count = in[i + 1], pattern = in[i + 2];
        uint64_t offset = next + (op & 3) * unit;
        uint64_t len = (uint64_t)(count % 16 + 1) * unit;
        bool bad = false;
        if (op & 0x80) { /* break the contract on purpose */
            switch ((op >> 2) & 3) {
            case 0: /* back into what was put */
                bad = next >= 512;
                if (bad)
                    offset = next - 512;
                break;
            case 1: /* off the grain */
                offset += 512;
                bad = sparse;
                break;
            default: /* past the end */
                offset = bytes;
                len = 512;
                bad = true;
                break;
            }
        }
        if (offset >= bytes && !bad)
            break;
        if (!bad && len > bytes - offset)
            len = bytes - offset; /* may end at the capacity */
        if (!bad && sparse && len % GRAIN && offset + len != bytes)
            len -= len % GRAIN;
        if (!bad && len == 0)
            break;
        for (uint64_t b = 0; b < len && offset + b < bytes; b++)
            data[b] = (uint8_t)(pattern + b * 31 + (b >> 9));
        int err = vmdk_writer_put(&writer, offset, data, (size_t)len);
        if (bad) {
            FUZZ_ASSERT(err == VB_EINVAL);
            FUZZ_ASSERT(vmdk_writer_finish(&writer) == VB_EINVAL); /* sticky */
            failed = true;
        } else {
            FUZZ_ASSERT(err == 0);
            memcpy(mirror + offset, data, len);
            next = offset + len;
        }
    }
    if (failed) {
        vmdk_writer_abort(&writer);
    } else {
        FUZZ_ASSERT(vmdk_writer_finish(&writer) == 0);
        FUZZ_ASSERT(dir.closes == dir.creates);
        check_sizes(&dir);
        vb_source top;
        vb_opener opener;
        memdir_opener(&dir, &opener);
        FUZZ_ASSERT(memdir_source(&dir, "fz.vmdk", &top) == 0);
        vmdk_open_options opts = {false, false};
        FUZZ_ASSERT(vmdk_open(&disk, &top, "fz.vmdk", &opener, &opts) == 0);
        FUZZ_ASSERT(vmdk_capacity(&disk) == bytes);
        FUZZ_ASSERT(vmdk_read(&disk, 0, back, bytes) == 0);
        FUZZ_ASSERT(memcmp(back, mirror, bytes) == 0);
        vmdk_close(&disk);
        memdir_source_free(&top);
    }
    FUZZ_ASSERT(dir.closes == dir.creates + dir.opens); /* the reader's too */
    check_sizes(&dir);
    memdir_free(&dir);
    return 0;
}
