/* pe.c: the PE/COFF section finder (see pe.h). Offsets from the file are
 * checked against the file size before every read; sizes are 32-bit on
 * disk and summed in 64 bits, so nothing wraps. */
#include "discover/pe.h"
#include "lib/util.h"
#include "vb_config.h"

#define PE_DOS_HEADER_BYTES 64
#define PE_LFANEW_OFFSET    0x3c
#define PE_COFF_BYTES       20 /* after the 4-byte signature */
#define PE_SECTION_BYTES    40
#define PE_OPT_MAGIC_PE32   0x10bu
#define PE_OPT_MAGIC_PE32P  0x20bu

int pe_find_section(const vb_source *src, const char *name, pe_section *ret, vb_diag *diag) {
    uint8_t dos[PE_DOS_HEADER_BYTES], nt[4 + PE_COFF_BYTES + 2], sec[PE_SECTION_BYTES];
    if (src->size < sizeof(dos))
        return vb_fail(diag, VB_ETRUNCATED, "%llu bytes: shorter than a DOS header",
                       (unsigned long long)src->size);
    int r = vb_source_read(src, 0, dos, sizeof(dos));
    if (r < 0)
        return vb_fail(diag, r, "DOS header unreadable");
    if (dos[0] != 'M' || dos[1] != 'Z')
        return vb_fail(diag, VB_EFORMAT, "no MZ signature: not a PE file");
    uint64_t nt_off = vb_le32(dos + PE_LFANEW_OFFSET);
    if (!vb_range_ok(nt_off, sizeof(nt), src->size))
        return vb_fail(diag, VB_ETRUNCATED, "PE header at %llu is past the end (%llu bytes)",
                       (unsigned long long)nt_off, (unsigned long long)src->size);
    r = vb_source_read(src, nt_off, nt, sizeof(nt));
    if (r < 0)
        return vb_fail(diag, r, "PE header unreadable");
    if (vb_memcmp(nt, "PE\0\0", 4) != 0)
        return vb_fail(diag, VB_EFORMAT, "no PE signature at %llu", (unsigned long long)nt_off);
    uint16_t machine = vb_le16(nt + 4);
    uint32_t sections = vb_le16(nt + 6);
    uint32_t opt_size = vb_le16(nt + 20);
    uint16_t magic = vb_le16(nt + 24);
    if (opt_size < 2 || (magic != PE_OPT_MAGIC_PE32 && magic != PE_OPT_MAGIC_PE32P))
        return vb_fail(diag, VB_EFORMAT, "optional header magic 0x%x is not PE32 or PE32+",
                       opt_size < 2 ? 0u : (unsigned)magic);
    if (sections > VB_PE_SECTIONS_MAX)
        return vb_fail(diag, VB_ELIMIT, "%u sections, more than %u", (unsigned)sections,
                       VB_PE_SECTIONS_MAX);
    uint64_t table = nt_off + 4 + PE_COFF_BYTES + opt_size;
    if (!vb_range_ok(table, (uint64_t)sections * PE_SECTION_BYTES, src->size))
        return vb_fail(diag, VB_ETRUNCATED, "section table (%u sections at %llu) is past the end",
                       (unsigned)sections, (unsigned long long)table);
    char want[9] = {0}; /* 8 bytes on disk, NUL-padded; one more for messages */
    size_t wn = vb_strnlen(name, 8);
    vb_memcpy(want, name, wn);
    for (uint32_t i = 0; i < sections; i++) {
        r = vb_source_read(src, table + (uint64_t)i * PE_SECTION_BYTES, sec, sizeof(sec));
        if (r < 0)
            return vb_fail(diag, r, "section table unreadable");
        if (vb_memcmp(sec, want, 8) != 0)
            continue;
        uint32_t vsize = vb_le32(sec + 8), raw_size = vb_le32(sec + 16);
        uint64_t raw_off = vb_le32(sec + 20);
        uint32_t size = vsize && vsize < raw_size ? vsize : raw_size;
        if (!vb_range_ok(raw_off, size, src->size))
            return vb_fail(diag, VB_ECORRUPT, "section %s (%u bytes at %llu) is past the end", want,
                           (unsigned)size, (unsigned long long)raw_off);
        ret->machine = machine;
        ret->offset = raw_off;
        ret->size = size;
        return 0;
    }
    return vb_fail(diag, VB_ENOTFOUND, "no %s section", want);
}
