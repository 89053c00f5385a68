/* mbr.c: MBR partition table reader: four primary entries, and logical
 * partitions in a chain of extended boot records (EBRs) inside an extended
 * partition (types 0x05, 0x0F, 0x85).
 *
 * Trusts nothing on disk: every partition must lie inside the disk, every
 * EBR inside its extended partition; the chain is bounded by
 * VB_MBR_LOGICAL_MAX and a revisited EBR is reported as a loop. Numbering
 * follows Linux: primaries 1-4 by slot, logicals from 5 in chain order.
 * Extended partitions themselves are not listed. */
#include "part/part_impl.h"
#include "lib/util.h"

static bool mbr_is_extended(uint8_t type) {
    return type == 0x05 || type == 0x0F || type == 0x85;
}

/* A FAT boot sector also ends in 0x55AA: a jump instruction, a plausible
 * bytes-per-sector field and "FAT" in the FAT12/16 or FAT32 type field mean
 * a filesystem without a partition table, as Linux decides too. */
static bool mbr_is_fat_boot_sector(const uint8_t *s) {
    uint16_t bps = vb_le16(s + 11);
    bool jump = (s[0] == 0xEB && s[2] == 0x90) || s[0] == 0xE9;
    bool fat = vb_memcmp(s + 54, "FAT", 3) == 0 || vb_memcmp(s + 82, "FAT", 3) == 0;
    return jump && fat && bps >= 512 && bps <= 4096 && vb_is_pow2_u64(bps);
}

/* Records a partition [lba, lba + sectors) after checking it fits the disk. */
static int mbr_add(part_table *t, uint64_t disk_sectors, uint32_t index, const uint8_t *ent,
                   uint64_t lba, bool logical) {
    uint64_t sectors = vb_le32(ent + MBR_ENT_SECTORS);
    if (!vb_range_ok(lba, sectors, disk_sectors))
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "MBR partition %u (LBA %llu, %llu sectors) past end of disk "
                       "(%llu sectors)",
                       index, (unsigned long long)lba, (unsigned long long)sectors,
                       (unsigned long long)disk_sectors);
    part_entry *p = part_table_add(t, index);
    if (!p)
        return vb_fail(&t->diag, VB_ELIMIT, "MBR: more than %u partitions", VB_PART_MAX);
    /* lba + sectors <= disk_sectors = size / sector_size: no overflow. */
    p->start = lba * t->sector_size;
    p->size = sectors * t->sector_size;
    p->mbr_type = ent[MBR_ENT_TYPE];
    p->bootable = ent[MBR_ENT_STATUS] == 0x80;
    p->logical = logical;
    vb_format(p->uuid, sizeof(p->uuid), "%08x-%02x", t->mbr_signature, index);
    return 0;
}

/* Follows the EBR chain of the extended partition [ext_lba, ext_lba +
 * ext_sectors). In each EBR, entry 0 is a logical partition relative to that
 * EBR, entry 1 links to the next EBR relative to the extended partition. */
static int mbr_read_logicals(part_table *t, const vb_source *disk, uint64_t ext_lba,
                             uint64_t ext_sectors, uint32_t *next_index) {
    uint64_t disk_sectors = disk->size / t->sector_size;
    uint64_t visited[VB_MBR_LOGICAL_MAX];
    uint32_t nvisited = 0;
    uint64_t ebr = ext_lba;
    for (;;) {
        for (uint32_t i = 0; i < nvisited; i++)
            if (visited[i] == ebr)
                return vb_fail(&t->diag, VB_ELOOP, "MBR: EBR chain loops back to LBA %llu",
                               (unsigned long long)ebr);
        if (nvisited == VB_MBR_LOGICAL_MAX)
            return vb_fail(&t->diag, VB_ELIMIT, "MBR: more than %u extended boot records",
                           VB_MBR_LOGICAL_MAX);
        visited[nvisited++] = ebr;
        if (ebr < ext_lba || ebr - ext_lba >= ext_sectors)
            return vb_fail(&t->diag, VB_ECORRUPT,
                           "MBR: EBR at LBA %llu outside its extended partition (LBA %llu, "
                           "%llu sectors)",
                           (unsigned long long)ebr, (unsigned long long)ext_lba,
                           (unsigned long long)ext_sectors);
        uint8_t *s = t->io;
        int r = vb_source_read(disk, ebr * t->sector_size, s, MBR_SECTOR_BYTES);
        if (r) {
            char what[40];
            vb_format(what, sizeof(what), "EBR at LBA %llu", (unsigned long long)ebr);
            return vb_fail_read(&t->diag, r, what, ebr * t->sector_size, MBR_SECTOR_BYTES);
        }
        if (!part_table_mbr_signed(s))
            return vb_fail(&t->diag, VB_ECORRUPT, "MBR: EBR at LBA %llu has no 0x55AA signature",
                           (unsigned long long)ebr);
        const uint8_t *logical = s + MBR_ENTRIES;
        const uint8_t *link = s + MBR_ENTRIES + MBR_ENTRY_SIZE;
        if (logical[MBR_ENT_TYPE] != 0 && !mbr_is_extended(logical[MBR_ENT_TYPE]) &&
            vb_le32(logical + MBR_ENT_SECTORS) != 0) {
            r = mbr_add(t, disk_sectors, *next_index, logical,
                        ebr + vb_le32(logical + MBR_ENT_FIRST_LBA), true);
            if (r)
                return r;
            (*next_index)++;
        }
        if (!mbr_is_extended(link[MBR_ENT_TYPE]))
            return 0;
        ebr = ext_lba + vb_le32(link + MBR_ENT_FIRST_LBA);
    }
}

static int mbr_parse(part_table *table, const vb_source *disk, uint32_t sector_size) {
    uint32_t ss;
    /* 0 means 512 here: an MBR gives no sign of the sector size. */
    int r = part_table_begin(table, PART_SCHEME_MBR, disk, sector_size ? sector_size : 512, &ss);
    if (r)
        return r;
    table->sector_size = ss;
    if (disk->size < MBR_SECTOR_BYTES)
        return vb_fail(&table->diag, VB_EFORMAT, "disk of %llu bytes is too small for an MBR",
                       (unsigned long long)disk->size);
    uint8_t *s = table->io;
    r = vb_source_read(disk, 0, s, MBR_SECTOR_BYTES);
    if (r)
        return vb_fail_read(&table->diag, r, "MBR", 0, MBR_SECTOR_BYTES);
    if (!part_table_mbr_signed(s))
        return vb_fail(&table->diag, VB_EFORMAT, "no MBR: sector 0 has no 0x55AA signature");
    if (mbr_is_fat_boot_sector(s))
        return vb_fail(&table->diag, VB_EFORMAT,
                       "no MBR: sector 0 is a FAT boot sector (a filesystem without partitions)");
    /* Copy the primary entries out: the scratch buffer is reused for EBRs. */
    uint8_t primary[4][MBR_ENTRY_SIZE];
    vb_memcpy(primary, s + MBR_ENTRIES, sizeof(primary));
    table->mbr_signature = vb_le32(s + MBR_DISK_SIGNATURE);
    for (int k = 0; k < 4; k++) {
        uint8_t status = primary[k][MBR_ENT_STATUS];
        if (status != 0x00 && status != 0x80)
            return vb_fail(&table->diag, VB_EFORMAT,
                           "no MBR: entry %d has status 0x%02x (not 0x00 or 0x80)", k + 1, status);
        if (primary[k][MBR_ENT_TYPE] == MBR_TYPE_PROTECTIVE)
            return vb_fail(&table->diag, VB_EFORMAT, "protective MBR: the disk uses GPT");
    }
    uint64_t disk_sectors = disk->size / ss;
    for (int k = 0; k < 4; k++) {
        const uint8_t *e = primary[k];
        if (e[MBR_ENT_TYPE] == 0 || vb_le32(e + MBR_ENT_SECTORS) == 0 ||
            mbr_is_extended(e[MBR_ENT_TYPE]))
            continue;
        r = mbr_add(table, disk_sectors, (uint32_t)k + 1, e, vb_le32(e + MBR_ENT_FIRST_LBA), false);
        if (r)
            return r;
    }
    uint32_t next_index = 5;
    for (int k = 0; k < 4; k++) {
        const uint8_t *e = primary[k];
        if (!mbr_is_extended(e[MBR_ENT_TYPE]) || vb_le32(e + MBR_ENT_SECTORS) == 0)
            continue;
        uint64_t ext_lba = vb_le32(e + MBR_ENT_FIRST_LBA);
        uint64_t ext_sectors = vb_le32(e + MBR_ENT_SECTORS);
        if (!vb_range_ok(ext_lba, ext_sectors, disk_sectors))
            return vb_fail(&table->diag, VB_ECORRUPT,
                           "MBR extended partition %d (LBA %llu, %llu sectors) past end of "
                           "disk (%llu sectors)",
                           k + 1, (unsigned long long)ext_lba, (unsigned long long)ext_sectors,
                           (unsigned long long)disk_sectors);
        r = mbr_read_logicals(table, disk, ext_lba, ext_sectors, &next_index);
        if (r)
            return r;
    }
    if (table->count == 0)
        return vb_fail(&table->diag, VB_EFORMAT, "no MBR partitions: all four entries are empty");
    return 0;
}

int mbr_read(part_table *table, const vb_source *disk, uint32_t sector_size) {
    int r = mbr_parse(table, disk, sector_size);
    if (r)
        table->count = 0; /* no partial table on failure */
    return r;
}
