/* gpt.c: GUID Partition Table reader (UEFI specification, chapter 5).
 *
 * Trusts nothing on disk: the header CRC and the entry-array CRC are checked
 * (unless built with VB_FUZZ_NO_CHECKSUM), the header size, entry size, entry
 * count and every LBA are checked against the disk before use, and a bad
 * primary header falls back to the backup (at the primary's AlternateLBA when
 * the primary header itself was sound, and at the last LBA). Fields are read
 * from byte buffers at the offsets below. */
#include "lib/crc32.h"
#include "lib/guid.h"
#include "part/part_impl.h"
#include "lib/utf16.h"
#include "lib/util.h"

/* GPT header, offsets in bytes (92 bytes defined; HeaderSize may be more). */
#define GPT_HDR_SIGNATURE    0  /* "EFI PART" */
#define GPT_HDR_SIZE         12 /* u32, 92 .. sector size */
#define GPT_HDR_CRC          16 /* u32, CRC-32 of HeaderSize bytes, this field 0 */
#define GPT_HDR_MY_LBA       24 /* u64, the LBA of this header */
#define GPT_HDR_ALTERNATE    32 /* u64, the LBA of the other header */
#define GPT_HDR_FIRST_USABLE 40 /* u64 */
#define GPT_HDR_LAST_USABLE  48 /* u64 */
#define GPT_HDR_DISK_GUID    56 /* 16 bytes */
#define GPT_HDR_ENTRIES_LBA  72 /* u64 */
#define GPT_HDR_ENTRY_COUNT  80 /* u32 */
#define GPT_HDR_ENTRY_SIZE   84 /* u32, 128 x 2^n */
#define GPT_HDR_ENTRIES_CRC  88 /* u32, CRC-32 of count x size bytes */
#define GPT_HDR_MIN_SIZE     92

/* GPT partition entry, offsets in bytes (128 bytes defined). */
#define GPT_ENT_TYPE_GUID   0
#define GPT_ENT_UNIQUE_GUID 16
#define GPT_ENT_FIRST_LBA   32 /* u64 */
#define GPT_ENT_LAST_LBA    40 /* u64, inclusive */
#define GPT_ENT_ATTRIBUTES  48 /* u64 */
#define GPT_ENT_NAME        56 /* 36 UTF-16LE units */
#define GPT_ENT_NAME_UNITS  36
#define GPT_ENT_MIN_SIZE    128

#define GPT_ATTR_LEGACY_BIOS_BOOTABLE (1ull << 2)

VB_STATIC_ASSERT(VB_PART_IO_BYTES >= 4096, "the scratch buffer must hold a 4096-byte sector");
VB_STATIC_ASSERT(VB_PART_IO_BYTES % GPT_ENT_MIN_SIZE == 0, "whole entries per scratch buffer");

static bool gpt_crc_ok(uint32_t stored, uint32_t computed) {
#if defined(VB_FUZZ_NO_CHECKSUM) && VB_FUZZ_NO_CHECKSUM
    (void)stored;
    (void)computed;
    return true;
#else
    return stored == computed;
#endif
}

/* The header fields the entry pass needs after the scratch buffer is reused. */
typedef struct gpt_header {
    uint64_t alternate_lba;
    uint64_t entries_lba;
    uint32_t entry_count;
    uint32_t entry_size;
    uint32_t entries_crc;
    vb_guid disk_guid;
} gpt_header;

/* Reads and checks the header at lba. On success fills *hdr. Sets
 * *ret_header_sound once the header passed its CRC and MyLBA check (so its
 * AlternateLBA can be trusted even if the entry array turns out bad). */
static int gpt_read_header(part_table *t, const vb_source *disk, uint64_t lba, gpt_header *hdr,
                           bool *ret_header_sound) {
    uint32_t ss = t->sector_size;
    uint64_t sectors = disk->size / ss;
    uint8_t *h = t->io;
    int r = vb_source_read(disk, lba * ss, h, ss);
    if (r) {
        char what[40];
        vb_format(what, sizeof(what), "GPT header at LBA %llu", (unsigned long long)lba);
        return vb_fail_read(&t->diag, r, what, lba * ss, ss);
    }
    if (vb_memcmp(h + GPT_HDR_SIGNATURE, "EFI PART", 8) != 0)
        return vb_fail(&t->diag, VB_EFORMAT, "no GPT header at LBA %llu", (unsigned long long)lba);
    uint32_t header_size = vb_le32(h + GPT_HDR_SIZE);
    if (header_size < GPT_HDR_MIN_SIZE || header_size > ss)
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "GPT header at LBA %llu: header size %u not in 92..%u",
                       (unsigned long long)lba, header_size, ss);
    uint32_t stored_crc = vb_le32(h + GPT_HDR_CRC);
    vb_put_le32(h + GPT_HDR_CRC, 0);
    uint32_t crc = crc32_compute(h, header_size);
    if (!gpt_crc_ok(stored_crc, crc))
        return vb_fail(&t->diag, VB_ECHECKSUM,
                       "GPT header at LBA %llu: CRC 0x%08x, computed 0x%08x",
                       (unsigned long long)lba, stored_crc, crc);
    uint64_t my_lba = vb_le64(h + GPT_HDR_MY_LBA);
    if (my_lba != lba)
        return vb_fail(&t->diag, VB_ECORRUPT, "GPT header at LBA %llu says it is at LBA %llu",
                       (unsigned long long)lba, (unsigned long long)my_lba);
    *ret_header_sound = true;
    hdr->alternate_lba = vb_le64(h + GPT_HDR_ALTERNATE);
    uint64_t first_usable = vb_le64(h + GPT_HDR_FIRST_USABLE);
    uint64_t last_usable = vb_le64(h + GPT_HDR_LAST_USABLE);
    if (first_usable > last_usable)
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "GPT header at LBA %llu: first usable LBA %llu > last usable LBA %llu",
                       (unsigned long long)lba, (unsigned long long)first_usable,
                       (unsigned long long)last_usable);
    vb_memcpy(hdr->disk_guid.bytes, h + GPT_HDR_DISK_GUID, 16);
    hdr->entries_lba = vb_le64(h + GPT_HDR_ENTRIES_LBA);
    hdr->entry_count = vb_le32(h + GPT_HDR_ENTRY_COUNT);
    hdr->entry_size = vb_le32(h + GPT_HDR_ENTRY_SIZE);
    hdr->entries_crc = vb_le32(h + GPT_HDR_ENTRIES_CRC);

    if (hdr->entry_size < GPT_ENT_MIN_SIZE || !vb_is_pow2_u64(hdr->entry_size))
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "GPT header at LBA %llu: entry size %u is not 128 x 2^n",
                       (unsigned long long)lba, hdr->entry_size);
    if (hdr->entry_size > VB_PART_IO_BYTES)
        return vb_fail(&t->diag, VB_EUNSUPPORTED,
                       "GPT header at LBA %llu: entry size %u over %u bytes",
                       (unsigned long long)lba, hdr->entry_size, VB_PART_IO_BYTES);
    uint64_t array_bytes, array_offset;
    if (vb_mul_overflow_u64(hdr->entry_count, hdr->entry_size, &array_bytes) ||
        vb_mul_overflow_u64(hdr->entries_lba, ss, &array_offset) ||
        !vb_range_ok(array_offset, array_bytes, disk->size) || hdr->entries_lba == 0)
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "GPT header at LBA %llu: entry array (%u x %u bytes at LBA %llu) "
                       "outside the disk (%llu sectors)",
                       (unsigned long long)lba, hdr->entry_count, hdr->entry_size,
                       (unsigned long long)hdr->entries_lba, (unsigned long long)sectors);
    if (array_bytes > VB_GPT_ARRAY_BYTES_MAX)
        return vb_fail(&t->diag, VB_ELIMIT,
                       "GPT header at LBA %llu: entry array of %llu bytes over the %u-byte limit",
                       (unsigned long long)lba, (unsigned long long)array_bytes,
                       VB_GPT_ARRAY_BYTES_MAX);
    return 0;
}

/* Checks and records one entry (e points into the scratch buffer). Returns 0
 * or an error that the caller reports only if the array CRC is good. */
static int gpt_add_entry(part_table *t, const vb_source *disk, uint32_t slot, const uint8_t *e) {
    vb_guid type;
    vb_memcpy(type.bytes, e + GPT_ENT_TYPE_GUID, 16);
    if (vb_guid_is_zero(&type))
        return 0; /* unused slot */
    uint64_t sectors = disk->size / t->sector_size;
    uint64_t first = vb_le64(e + GPT_ENT_FIRST_LBA), last = vb_le64(e + GPT_ENT_LAST_LBA);
    if (first > last)
        return vb_fail(&t->diag, VB_ECORRUPT, "GPT partition %u: first LBA %llu > last LBA %llu",
                       slot + 1, (unsigned long long)first, (unsigned long long)last);
    if (last >= sectors)
        return vb_fail(&t->diag, VB_ECORRUPT,
                       "GPT partition %u (LBA %llu..%llu) past end of disk (%llu sectors)",
                       slot + 1, (unsigned long long)first, (unsigned long long)last,
                       (unsigned long long)sectors);
    part_entry *p = part_table_add(t, slot + 1);
    if (!p)
        return vb_fail(&t->diag, VB_ELIMIT, "GPT: more than %u partitions in use", VB_PART_MAX);
    /* last < sectors <= size / ss, so neither product can overflow. */
    p->start = first * t->sector_size;
    p->size = (last - first + 1) * t->sector_size;
    p->type_guid = type;
    vb_memcpy(p->unique_guid.bytes, e + GPT_ENT_UNIQUE_GUID, 16);
    p->attributes = vb_le64(e + GPT_ENT_ATTRIBUTES);
    p->bootable = (p->attributes & GPT_ATTR_LEGACY_BIOS_BOOTABLE) != 0;
    vb_guid_format(&p->unique_guid, p->uuid);
    uint16_t units[GPT_ENT_NAME_UNITS];
    for (int i = 0; i < GPT_ENT_NAME_UNITS; i++)
        units[i] = vb_le16(e + GPT_ENT_NAME + 2 * i);
    utf16_to_utf8(units, GPT_ENT_NAME_UNITS, p->name, sizeof(p->name));
    return 0;
}

/* Reads the entry array in scratch-sized pieces: computes its CRC and
 * records the partitions in the same pass. An entry error is returned only
 * when the CRC is good (a bad CRC explains garbage better). */
static int gpt_read_entries(part_table *t, const vb_source *disk, uint64_t header_lba,
                            const gpt_header *hdr) {
    uint32_t per_chunk = VB_PART_IO_BYTES / hdr->entry_size;
    uint64_t offset = hdr->entries_lba * t->sector_size;
    uint32_t crc = 0;
    int entry_err = 0;
    for (uint32_t slot = 0; slot < hdr->entry_count;) {
        uint32_t n = VB_MIN(per_chunk, hdr->entry_count - slot);
        size_t bytes = (size_t)n * hdr->entry_size;
        int r = vb_source_read(disk, offset, t->io, bytes);
        if (r)
            return vb_fail_read(&t->diag, r, "GPT entries", offset, bytes);
        crc = crc32_update(crc, t->io, bytes);
        for (uint32_t i = 0; i < n && !entry_err; i++)
            entry_err = gpt_add_entry(t, disk, slot + i, t->io + (size_t)i * hdr->entry_size);
        slot += n;
        offset += bytes;
    }
    if (!gpt_crc_ok(hdr->entries_crc, crc)) {
        t->count = 0;
        return vb_fail(&t->diag, VB_ECHECKSUM,
                       "GPT entry array of header at LBA %llu: CRC 0x%08x, computed 0x%08x",
                       (unsigned long long)header_lba, hdr->entries_crc, crc);
    }
    if (entry_err)
        t->count = 0;
    return entry_err;
}

/* One complete attempt: the header at lba and its entry array. */
static int gpt_try(part_table *t, const vb_source *disk, uint64_t lba, bool *ret_header_sound,
                   uint64_t *ret_alternate) {
    gpt_header hdr = {0};
    t->count = 0;
    int r = gpt_read_header(t, disk, lba, &hdr, ret_header_sound);
    if (*ret_header_sound)
        *ret_alternate = hdr.alternate_lba;
    if (r)
        return r;
    r = gpt_read_entries(t, disk, lba, &hdr);
    if (r)
        return r;
    t->disk_guid = hdr.disk_guid;
    return 0;
}

int gpt_read(part_table *table, const vb_source *disk, uint32_t sector_size) {
    uint32_t ss;
    int r = part_table_begin(table, PART_SCHEME_GPT, disk, sector_size, &ss);
    if (r)
        return r;
    table->sector_size = ss;
    uint64_t sectors = disk->size / ss;
    if (sectors < 3)
        return vb_fail(&table->diag, VB_EFORMAT, "disk of %llu bytes is too small for a GPT",
                       (unsigned long long)disk->size);
    uint64_t last_lba = sectors - 1;

    bool sound = false;
    uint64_t alternate = 0;
    int primary_err = gpt_try(table, disk, 1, &sound, &alternate);
    if (primary_err == 0)
        return 0;
    char primary_detail[VB_DETAIL_MAX];
    vb_strlcpy(primary_detail, table->diag.text, sizeof(primary_detail));

    /* Backup candidates: the primary's AlternateLBA (only if the primary
     * header was sound), then the last LBA. */
    uint64_t candidates[2];
    int ncand = 0;
    if (sound && alternate > 1 && alternate < sectors && alternate != last_lba)
        candidates[ncand++] = alternate;
    candidates[ncand++] = last_lba;
    int backup_err = VB_EFORMAT;
    for (int i = 0; i < ncand; i++) {
        bool backup_sound = false;
        uint64_t unused;
        backup_err = gpt_try(table, disk, candidates[i], &backup_sound, &unused);
        if (backup_err == 0) {
            table->gpt_used_backup = true;
            return 0;
        }
    }
    /* Both failed: report the primary's cause, or the backup's when there
     * was no primary header at all. */
    int err = primary_err == VB_EFORMAT ? backup_err : primary_err;
    table->count = 0;
    char backup_detail[VB_DETAIL_MAX];
    vb_strlcpy(backup_detail, table->diag.text, sizeof(backup_detail));
    return vb_fail(&table->diag, err, "%s; backup: %s", primary_detail, backup_detail);
}
