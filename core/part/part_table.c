/* part_table.c: the table helpers that part.c, gpt.c and mbr.c share:
 * emptying a table, appending entries, and settling the sector size. They
 * call nothing of the schemes, so part.c -> gpt.c/mbr.c -> part_table.c. */
#include "part/part_impl.h"
#include "lib/util.h"

static void table_reset(part_table *table, part_scheme scheme, uint32_t sector_size) {
    table->scheme = scheme;
    table->sector_size = sector_size;
    table->count = 0;
    table->gpt_used_backup = false;
    vb_memset(&table->disk_guid, 0, sizeof(table->disk_guid));
    table->mbr_signature = 0;
    vb_diag_clear(&table->diag);
}

part_entry *part_table_add(part_table *table, uint32_t index) {
    if (table->count >= VB_PART_MAX)
        return NULL;
    part_entry *e = &table->entries[table->count++];
    vb_memset(e, 0, sizeof(*e));
    e->index = index;
    return e;
}

bool part_table_mbr_signed(const uint8_t *sector) {
    return sector[MBR_BOOT_SIGNATURE] == 0x55 && sector[MBR_BOOT_SIGNATURE + 1] == 0xAA;
}

int part_table_gpt_signature(part_table *table, const vb_source *disk, uint64_t offset) {
    uint8_t sig[8];
    if (offset > disk->size || disk->size - offset < sizeof(sig))
        return 0;
    int r = vb_source_read(disk, offset, sig, sizeof(sig));
    if (r)
        return vb_fail_read(&table->diag, r, "GPT signature", offset, sizeof(sig));
    return vb_memcmp(sig, "EFI PART", 8) == 0;
}

int part_table_begin(part_table *table, part_scheme scheme, const vb_source *disk,
                     uint32_t sector_size, uint32_t *ret_size) {
    table_reset(table, scheme, 0);
    if (sector_size == 512 || sector_size == 4096) {
        *ret_size = sector_size;
        return 0;
    }
    if (sector_size != 0)
        return vb_fail(&table->diag, VB_EINVAL, "sector size %u is not 512 or 4096", sector_size);
    int at512 = part_table_gpt_signature(table, disk, 512);
    int at4096 = at512 == 0 ? part_table_gpt_signature(table, disk, 4096) : 0;
    if (at512 < 0 || at4096 < 0)
        return at512 < 0 ? at512 : at4096;
    *ret_size = at4096 ? 4096 : 512;
    return 0;
}
