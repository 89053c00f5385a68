/* part.c: partition-table dispatch (GPT or MBR), lookups, GUID text.
 * Trusts nothing on disk; see gpt.c and mbr.c for the parsers. */
#include "part/part_impl.h"
#include "lib/util.h"

#define MBR_SIGNATURE_OFFSET 510
#define MBR_ENTRIES_OFFSET   446
#define MBR_TYPE_PROTECTIVE  0xEE

void part_table_reset(part_table *table, part_scheme scheme, uint32_t sector_size) {
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

bool part_has_gpt_signature(const vb_source *disk, uint64_t offset) {
    uint8_t sig[8];
    if (vb_source_read(disk, offset, sig, sizeof(sig)) != 0)
        return false;
    return vb_memcmp(sig, "EFI PART", 8) == 0;
}

int part_sector_size(const vb_source *disk, uint32_t sector_size, uint32_t *ret_size) {
    if (sector_size == 512 || sector_size == 4096) {
        *ret_size = sector_size;
        return 0;
    }
    if (sector_size != 0)
        return VB_EINVAL;
    if (!part_has_gpt_signature(disk, 512) && part_has_gpt_signature(disk, 4096))
        *ret_size = 4096;
    else
        *ret_size = 512;
    return 0;
}

int part_read(part_table *table, const vb_source *disk, uint32_t sector_size) {
    uint32_t ss;
    part_table_reset(table, PART_SCHEME_NONE, 0);
    int r = part_sector_size(disk, sector_size, &ss);
    if (r)
        return vb_fail(&table->diag, r, "sector size %u is not 512 or 4096", sector_size);
    if (disk->size < 512)
        return vb_fail(&table->diag, VB_EFORMAT,
                       "no partition table: disk is %llu bytes, less than one sector",
                       (unsigned long long)disk->size);
    uint8_t *mbr = table->io;
    r = vb_source_read(disk, 0, mbr, 512);
    if (r)
        return vb_fail(&table->diag, r, "cannot read sector 0: %s", vb_err_message(r));
    bool has_mbr = mbr[MBR_SIGNATURE_OFFSET] == 0x55 && mbr[MBR_SIGNATURE_OFFSET + 1] == 0xAA;
    bool protective = false;
    for (int k = 0; has_mbr && k < 4; k++)
        if (mbr[MBR_ENTRIES_OFFSET + 16 * k + 4] == MBR_TYPE_PROTECTIVE)
            protective = true;
    if (protective || part_has_gpt_signature(disk, ss))
        return gpt_read(table, disk, ss);
    if (has_mbr)
        return mbr_read(table, disk, ss);
    return vb_fail(&table->diag, VB_EFORMAT,
                   "no partition table: no MBR signature and no GPT header");
}

const part_entry *part_find_index(const part_table *table, uint32_t index) {
    for (uint32_t i = 0; i < table->count; i++)
        if (table->entries[i].index == index)
            return &table->entries[i];
    return NULL;
}

const part_entry *part_find_label(const part_table *table, const char *label) {
    if (!label[0])
        return NULL;
    for (uint32_t i = 0; i < table->count; i++)
        if (vb_strcmp(table->entries[i].name, label) == 0)
            return &table->entries[i];
    return NULL;
}

const part_entry *part_find_uuid(const part_table *table, const char *uuid) {
    if (!uuid[0])
        return NULL;
    for (uint32_t i = 0; i < table->count; i++)
        if (vb_str_ieq(table->entries[i].uuid, uuid))
            return &table->entries[i];
    return NULL;
}

int part_open(const part_entry *entry, const vb_source *disk, vb_slice *slice,
              vb_source *ret_source) {
    return vb_slice_init(slice, disk, entry->start, entry->size, ret_source);
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = vb_tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Text position of each byte of the on-disk GUID: the first three fields are
 * stored little-endian, so their bytes appear reversed in the text. */
static const uint8_t guid_text_pos[16] = {6,  4,  2,  0,  11, 9,  16, 14,
                                          19, 21, 24, 26, 28, 30, 32, 34};

bool part_guid_parse(const char *s, size_t n, part_guid *ret_guid) {
    part_guid g;
    if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return false;
    for (int i = 0; i < 16; i++) {
        int hi = hex_value(s[guid_text_pos[i]]), lo = hex_value(s[guid_text_pos[i] + 1]);
        if (hi < 0 || lo < 0)
            return false;
        g.bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    *ret_guid = g;
    return true;
}

void part_guid_format(const part_guid *guid, char out[PART_GUID_STR_LEN]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 36; i++)
        out[i] = '-';
    for (int i = 0; i < 16; i++) {
        out[guid_text_pos[i]] = digits[guid->bytes[i] >> 4];
        out[guid_text_pos[i] + 1] = digits[guid->bytes[i] & 15];
    }
    out[36] = '\0';
}

bool part_guid_is_zero(const part_guid *guid) {
    for (int i = 0; i < 16; i++)
        if (guid->bytes[i])
            return false;
    return true;
}

const char *part_scheme_name(part_scheme scheme) {
    switch (scheme) {
    case PART_SCHEME_GPT:
        return "gpt";
    case PART_SCHEME_MBR:
        return "mbr";
    default:
        return "none";
    }
}
