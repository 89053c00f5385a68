/* part.c: partition-table dispatch (GPT or MBR) and lookups. Trusts
 * nothing on disk; see gpt.c and mbr.c for the parsers, part_table.c for
 * the helpers they share. */
#include "part/part_impl.h"
#include "lib/util.h"

int part_read(part_table *table, const vb_source *disk, uint32_t sector_size) {
    uint32_t ss;
    int r = part_table_begin(table, PART_SCHEME_NONE, disk, sector_size, &ss);
    if (r)
        return r;
    if (disk->size < MBR_SECTOR_BYTES)
        return vb_fail(&table->diag, VB_EFORMAT,
                       "no partition table: disk is %llu bytes, less than one sector",
                       (unsigned long long)disk->size);
    uint8_t *mbr = table->io;
    r = vb_source_read(disk, 0, mbr, MBR_SECTOR_BYTES);
    if (r)
        return vb_fail_read(&table->diag, r, "sector 0", 0, MBR_SECTOR_BYTES);
    bool has_mbr = part_table_mbr_signed(mbr);
    bool protective = false;
    for (int k = 0; has_mbr && k < 4; k++)
        if (mbr[MBR_ENTRIES + MBR_ENTRY_SIZE * k + MBR_ENT_TYPE] == MBR_TYPE_PROTECTIVE)
            protective = true;
    int gpt = protective ? 1 : part_table_gpt_signature(table, disk, ss);
    if (gpt < 0)
        return gpt;
    if (gpt)
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

/* The first entry whose GPT name (exactly) or PARTUUID (in any case) is
 * text; an empty text matches nothing. */
static const part_entry *part_find_text(const part_table *table, const char *text, bool by_uuid) {
    if (!text[0])
        return NULL;
    for (uint32_t i = 0; i < table->count; i++) {
        const part_entry *e = &table->entries[i];
        if (by_uuid ? vb_str_ieq(e->uuid, text) : vb_strcmp(e->name, text) == 0)
            return e;
    }
    return NULL;
}

const part_entry *part_find_label(const part_table *table, const char *label) {
    return part_find_text(table, label, false);
}

const part_entry *part_find_uuid(const part_table *table, const char *uuid) {
    return part_find_text(table, uuid, true);
}

int part_open(const part_entry *entry, const vb_source *disk, vb_slice *slice,
              vb_source *ret_source) {
    return vb_slice_init(slice, disk, entry->start, entry->size, ret_source);
}

const char *part_scheme_name(part_scheme scheme) {
    static const char *const names[] = {
        [PART_SCHEME_NONE] = "none", [PART_SCHEME_MBR] = "mbr", [PART_SCHEME_GPT] = "gpt"};
    return vb_name_of(names, VB_ARRAY_SIZE(names), scheme, "none");
}
