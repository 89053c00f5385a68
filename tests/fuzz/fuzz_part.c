/* fuzz_part.c: libFuzzer harness of the partition-table readers (GPT with
 * its backup fallback, MBR with extended/logical chains): part_read with
 * each sector-size mode, gpt_read and mbr_read alone, lookups, and reads
 * through every partition found.
 *
 * The input is the start of the disk; the disk is also presented as larger
 * than the input (zeros after it) at the size the GPT header's
 * AlternateLBA implies, so a few-KB seed stands for a real disk with its
 * backup header out of reach.
 *
 * Invariants: every partition lies inside the disk, has size > 0, opens as
 * a slice and reads at both ends; lookups find what was listed. */
#include <stdint.h>
#include <string.h>
#include "fuzz_util.h"
#include "part/part.h"
#include "lib/util.h"

static part_table table;

static void check_table(const vb_source *disk, int r) {
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(table.diag.text) < VB_DETAIL_MAX);
    if (r != 0)
        return;
    FUZZ_ASSERT(table.count <= VB_PART_MAX);
    FUZZ_ASSERT(table.scheme == PART_SCHEME_GPT || table.scheme == PART_SCHEME_MBR);
    for (uint32_t i = 0; i < table.count; i++) {
        const part_entry *e = &table.entries[i];
        FUZZ_ASSERT(e->size > 0 && e->start <= disk->size && e->size <= disk->size - e->start);
        FUZZ_ASSERT(strlen(e->uuid) < VB_GUID_STR_LEN && strlen(e->name) < VB_PART_NAME_MAX);
        vb_slice slice;
        vb_source ps;
        FUZZ_ASSERT(part_open(e, disk, &slice, &ps) == 0);
        FUZZ_ASSERT(ps.size == e->size);
        uint8_t b[16];
        size_t n = ps.size < sizeof(b) ? (size_t)ps.size : sizeof(b);
        FUZZ_ASSERT(vb_source_read(&ps, 0, b, n) == 0);
        FUZZ_ASSERT(vb_source_read(&ps, ps.size - n, b, n) == 0);
        FUZZ_ASSERT(vb_source_read(&ps, ps.size - n, b, n + 1) == VB_ERANGE);
        FUZZ_ASSERT(part_find_index(&table, e->index) != NULL);
        const part_entry *u = part_find_uuid(&table, e->uuid);
        FUZZ_ASSERT(u != NULL);
        if (table.scheme == PART_SCHEME_GPT) {
            if (e->name[0])
                FUZZ_ASSERT(part_find_label(&table, e->name) != NULL);
            char s[VB_GUID_STR_LEN];
            vb_guid g;
            vb_guid_format(&e->unique_guid, s);
            FUZZ_ASSERT(vb_guid_parse(s, 36, &g) && memcmp(&g, &e->unique_guid, 16) == 0);
        }
    }
    (void)part_find_label(&table, "EFI system partition");
    (void)part_find_uuid(&table, "12345678-01");
}

static void run_disk(const uint8_t *data, size_t size, uint64_t disk_size) {
    fuzz_zsource z;
    vb_source disk;
    fuzz_zsource_init(&z, data, size, disk_size, &disk);
    static const uint32_t modes[] = {0, 512, 4096};
    for (size_t m = 0; m < 3; m++)
        check_table(&disk, part_read(&table, &disk, modes[m]));
    check_table(&disk, gpt_read(&table, &disk, 0));
    check_table(&disk, mbr_read(&table, &disk, 512));
    FUZZ_ASSERT(part_read(&table, &disk, 1000) == VB_EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run_disk(data, size, size);
    /* The disk the primary GPT header describes: up to AlternateLBA. */
    for (uint64_t ss = 512; ss <= 4096; ss *= 8) {
        if (size >= ss + 40 && memcmp(data + ss, "EFI PART", 8) == 0) {
            uint64_t alt = vb_le64(data + ss + 32);
            if (alt < (64u << 20) / ss && (alt + 1) * ss > size)
                run_disk(data, size, (alt + 1) * ss);
        }
    }
    return 0;
}
