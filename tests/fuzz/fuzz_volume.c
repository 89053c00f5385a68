/* fuzz_volume.c: libFuzzer harness of the volume finder (core/volume): the
 * rule the loader and `vmdk ls`/`get` share to pick a partition and mount
 * its filesystem, over a hostile disk: partition table, every filesystem
 * it mounts, path lookups, and every spec form (auto, index, label=,
 * uuid=) with and without a path.
 *
 * The input is the start of the disk; like fuzz_part and fuzz_fat, the
 * disk is also presented at the size its primary GPT header's AlternateLBA
 * (or a whole-disk FAT boot sector) implies, zeros after the input, so a
 * seed cut after its last data stands for the whole disk.
 *
 * Invariants: on success a filesystem is mounted (on a listed partition or
 * the whole disk) and an opened file reads at both ends; every detail is a
 * bounded line; a skipped partition carries its error; a named partition
 * that is not listed is VB_ENOTFOUND. */
#include <stdint.h>
#include <string.h>
#include "fuzz_util.h"
#include "lib/util.h"
#include "volume/volume.h"

static volume v;

typedef struct find_case {
    const char *spec; /* NULL: auto */
    const char *path; /* NULL: none */
    bool open_file;
} find_case;

static const find_case cases[] = {
    {NULL, "/boot/vmlinuz", true},
    {NULL, "/EFI/BOOT", false},
    {NULL, NULL, false},
    {"1", NULL, false},
    {"2", "/boot/vmlinuz", true},
    {"9", "/x", true},
    {"label=root", "/hello", true},
    {"uuid=11111111-2222-3333-4444-555555555555", NULL, false},
    {"uuid=12345678-01", "/KERNEL", true},
};

static bool listed(const part_entry *e) {
    return e >= v.table.entries && e < v.table.entries + v.table.count;
}

static void check_result(const find_case *c, int r) {
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(!v.diag || strlen(v.diag->text) < VB_DETAIL_MAX);
    FUZZ_ASSERT(strlen(v.skipped.text) < VB_DETAIL_MAX);
    FUZZ_ASSERT(!v.first_skipped || (listed(v.first_skipped) && v.skipped.err < 0));
    FUZZ_ASSERT(!v.entry || listed(v.entry));
    FUZZ_ASSERT(v.disk_err <= 0);
    if (r != 0)
        return;
    FUZZ_ASSERT(v.mounted && v.any_mounted);
    FUZZ_ASSERT(v.entry || v.whole_disk);
    if (c->path && c->open_file) {
        uint8_t b[16];
        uint64_t size = v.file_src.size;
        size_t n = size < sizeof(b) ? (size_t)size : sizeof(b);
        int rr = vb_source_read(&v.file_src, 0, b, n);
        FUZZ_ASSERT(rr <= 0);
        if (rr == 0 && n)
            FUZZ_ASSERT(vb_source_read(&v.file_src, size - n, b, n) <= 0);
        FUZZ_ASSERT(vb_source_read(&v.file_src, size, b, 1) == VB_ERANGE);
    }
    if (c->spec && v.table.count && c->spec[0] >= '0' && c->spec[0] <= '9')
        FUZZ_ASSERT(v.entry && v.entry->index == (uint32_t)(c->spec[0] - '0'));
}

static void run_disk(const uint8_t *data, size_t size, uint64_t disk_size) {
    fuzz_zsource z;
    vb_source disk;
    fuzz_zsource_init(&z, data, size, disk_size, &disk);
    for (size_t i = 0; i < VB_ARRAY_SIZE(cases); i++) {
        volume_spec spec;
        if (cases[i].spec)
            volume_spec_parse(cases[i].spec, &spec);
        int r =
            volume_find(&v, &disk, cases[i].spec ? &spec : NULL, cases[i].path, cases[i].open_file);
        check_result(&cases[i], r);
        if (r == VB_ENOTFOUND && cases[i].spec && v.has_table && !v.entry)
            FUZZ_ASSERT(!v.mounted);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run_disk(data, size, size);
    /* The disk the primary GPT header describes (up to AlternateLBA), or the
     * whole-disk FAT volume its boot sector describes. */
    uint64_t claimed = 0;
    if (size >= 512 + 40 && memcmp(data + 512, "EFI PART", 8) == 0) {
        claimed = (vb_le64(data + 512 + 32) + 1) * 512;
    } else if (size >= 36) {
        uint64_t total = vb_le16(data + 19);
        claimed = (total ? total : vb_le32(data + 32)) * vb_le16(data + 11);
    }
    if (claimed > size && claimed <= (64u << 20))
        run_disk(data, size, claimed);
    return 0;
}
