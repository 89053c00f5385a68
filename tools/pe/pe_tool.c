/* pe_tool.c: post-link step and checker for build/vmdkboot.efi.
 *
 *   pe_tool nx FILE     sets IMAGE_DLLCHARACTERISTICS_NX_COMPAT (0x0100) in
 *                       the PE32+ optional header and rewrites CheckSum
 *   pe_tool check FILE [x64|aa64]
 *                       verifies what the loader promises: PE32+ for the
 *                       machine named (x86-64 by default, or AArch64), EFI
 *                       application subsystem, NX_COMPAT, page-aligned
 *                       sections, no section both writable and executable,
 *                       an .sbat section with the sbat and vmdkboot lines,
 *                       nothing after the last section, and a correct
 *                       CheckSum
 *
 * objcopy 2.40 has no switch for NX_COMPAT, hence this tool. The input is
 * our own build output but is parsed defensively all the same. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PE_MACHINE_X86_64     0x8664
#define PE_MACHINE_AARCH64    0xaa64
#define PE_OPT_MAGIC_PE32PLUS 0x20b
#define PE_SUBSYSTEM_EFI_APP  10
#define PE_DLL_NX_COMPAT      0x0100
#define PE_SCN_MEM_EXECUTE    0x20000000u
#define PE_SCN_MEM_WRITE      0x80000000u
#define PE_PAGE               4096u

/* Offsets inside the PE32+ optional header. */
#define OPT_SECTION_ALIGNMENT 32
#define OPT_SIZE_OF_HEADERS   60
#define OPT_CHECKSUM          64
#define OPT_SUBSYSTEM         68
#define OPT_DLL_CHARS         70
#define SECTION_HEADER_SIZE   40

static uint16_t le16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

typedef struct pe {
    uint8_t *data;
    size_t size;
    size_t opt;      /* offset of the optional header */
    size_t sections; /* offset of the section table */
    unsigned nsections;
    uint16_t machine;
} pe;

static int fail(const char *file, const char *what) {
    fprintf(stderr, "pe_tool: %s: %s\n", file, what);
    return 1;
}

static int load(const char *file, pe *p) {
    FILE *f = fopen(file, "rb");
    if (!f)
        return fail(file, "cannot open");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0x40 || n > 64L * 1024 * 1024) {
        fclose(f);
        return fail(file, "implausible size");
    }
    p->size = (size_t)n;
    p->data = malloc(p->size);
    if (!p->data || fread(p->data, 1, p->size, f) != p->size) {
        fclose(f);
        return fail(file, "cannot read");
    }
    fclose(f);
    if (p->data[0] != 'M' || p->data[1] != 'Z')
        return fail(file, "no MZ header");
    size_t pe_off = le32(p->data + 0x3c);
    if (pe_off > p->size - 24 || memcmp(p->data + pe_off, "PE\0\0", 4) != 0)
        return fail(file, "no PE signature");
    const uint8_t *coff = p->data + pe_off + 4;
    p->machine = le16(coff);
    if (p->machine != PE_MACHINE_X86_64 && p->machine != PE_MACHINE_AARCH64)
        return fail(file, "machine is neither x86-64 nor AArch64");
    p->nsections = le16(coff + 2);
    size_t opt_size = le16(coff + 16);
    p->opt = pe_off + 24;
    p->sections = p->opt + opt_size;
    if (opt_size < OPT_DLL_CHARS + 2 || p->sections > p->size ||
        (size_t)p->nsections * SECTION_HEADER_SIZE > p->size - p->sections)
        return fail(file, "truncated headers");
    if (le16(p->data + p->opt) != PE_OPT_MAGIC_PE32PLUS)
        return fail(file, "not PE32+");
    return 0;
}

/* The PE checksum: 16-bit one's-complement-style sum of the file with the
 * CheckSum field taken as zero, plus the file length. */
static uint32_t checksum(const pe *p) {
    size_t skip = p->opt + OPT_CHECKSUM;
    uint64_t sum = 0;
    for (size_t i = 0; i < p->size; i += 2) {
        uint32_t word;
        if (i >= skip && i < skip + 4)
            word = 0;
        else
            word = i + 1 < p->size ? le16(p->data + i) : p->data[i];
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)(sum + p->size);
}

static int cmd_nx(const char *file) {
    pe p;
    if (load(file, &p))
        return 1;
    uint8_t *dll = p.data + p.opt + OPT_DLL_CHARS;
    put16(dll, le16(dll) | PE_DLL_NX_COMPAT);
    put32(p.data + p.opt + OPT_CHECKSUM, checksum(&p));
    FILE *f = fopen(file, "r+b");
    if (!f || fwrite(p.data, 1, p.size, f) != p.size || fclose(f) != 0)
        return fail(file, "cannot write");
    return 0;
}

static bool has_line_prefix(const char *text, size_t n, const char *prefix) {
    size_t len = strlen(prefix);
    for (size_t i = 0; i + len <= n; i++)
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, prefix, len) == 0)
            return true;
    return false;
}

static int cmd_check(const char *file, uint16_t machine) {
    pe p;
    int bad = 0;
    if (load(file, &p))
        return 1;
    if (p.machine != machine)
        bad |= fail(file, machine == PE_MACHINE_AARCH64 ? "machine is not AArch64"
                                                        : "machine is not x86-64");
    const uint8_t *opt = p.data + p.opt;
    if (le16(opt + OPT_SUBSYSTEM) != PE_SUBSYSTEM_EFI_APP)
        bad |= fail(file, "subsystem is not 10 (EFI application)");
    if (!(le16(opt + OPT_DLL_CHARS) & PE_DLL_NX_COMPAT))
        bad |= fail(file, "DllCharacteristics lacks NX_COMPAT (0x0100)");
    if (le32(opt + OPT_SECTION_ALIGNMENT) != PE_PAGE)
        bad |= fail(file, "SectionAlignment is not 4096");
    if (le32(opt + OPT_CHECKSUM) != checksum(&p))
        bad |= fail(file, "CheckSum does not match the file");
    bool sbat = false;
    uint64_t file_end = le32(opt + OPT_SIZE_OF_HEADERS);
    for (unsigned i = 0; i < p.nsections; i++) {
        const uint8_t *s = p.data + p.sections + (size_t)i * SECTION_HEADER_SIZE;
        char name[9] = {0};
        memcpy(name, s, 8);
        uint32_t vaddr = le32(s + 12), raw_size = le32(s + 16), raw_off = le32(s + 20);
        uint32_t flags = le32(s + 36);
        if (raw_size && (uint64_t)raw_off + raw_size > file_end)
            file_end = (uint64_t)raw_off + raw_size;
        if (vaddr % PE_PAGE) {
            fprintf(stderr, "pe_tool: %s: section %s is not page-aligned (0x%x)\n", file, name,
                    vaddr);
            bad = 1;
        }
        if ((flags & PE_SCN_MEM_WRITE) && (flags & PE_SCN_MEM_EXECUTE)) {
            fprintf(stderr, "pe_tool: %s: section %s is writable and executable\n", file, name);
            bad = 1;
        }
        if (strcmp(name, ".sbat") == 0) {
            if (raw_off > p.size || raw_size > p.size - raw_off)
                bad |= fail(file, ".sbat lies outside the file");
            else if (!has_line_prefix((const char *)p.data + raw_off, raw_size, "sbat,1,") ||
                     !has_line_prefix((const char *)p.data + raw_off, raw_size, "vmdkboot,"))
                bad |= fail(file, ".sbat lacks the sbat,1 or vmdkboot line");
            else if (flags & (PE_SCN_MEM_WRITE | PE_SCN_MEM_EXECUTE))
                bad |= fail(file, ".sbat is writable or executable");
            else
                sbat = true;
        }
    }
    if (!sbat && !bad)
        bad |= fail(file, "no .sbat section");
    /* Authenticode hashes the sections and then whatever follows them: a
     * COFF symbol table left there would be signed as opaque extra data. */
    if (file_end != p.size)
        bad |= fail(file, "bytes after the last section (symbols not stripped?)");
    if (!bad)
        printf("%s: PE32+ %s, EFI application, NX_COMPAT, %u page-aligned sections, "
               "no W+X, .sbat ok, checksum ok, %zu bytes\n",
               file, machine == PE_MACHINE_AARCH64 ? "AArch64" : "x86-64", p.nsections, p.size);
    free(p.data);
    return bad;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "nx") == 0)
        return cmd_nx(argv[2]);
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return cmd_check(argv[2], PE_MACHINE_X86_64);
    if (argc == 4 && strcmp(argv[1], "check") == 0 &&
        (strcmp(argv[3], "x64") == 0 || strcmp(argv[3], "aa64") == 0))
        return cmd_check(argv[2], argv[3][0] == 'a' ? PE_MACHINE_AARCH64 : PE_MACHINE_X86_64);
    fprintf(stderr, "usage: pe_tool nx FILE.efi | pe_tool check FILE.efi [x64|aa64]\n");
    return 2;
}
