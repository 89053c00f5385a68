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

bool part_table_has_gpt_signature(const vb_source *disk, uint64_t offset) {
    uint8_t sig[8];
    if (vb_source_read(disk, offset, sig, sizeof(sig)) != 0)
        return false;
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
    if (!part_table_has_gpt_signature(disk, 512) && part_table_has_gpt_signature(disk, 4096))
        *ret_size = 4096;
    else
        *ret_size = 512;
    return 0;
}
