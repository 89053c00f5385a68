/* pe.h: finding a section in a PE/COFF file (a UKI's .osrel), reading the
 * headers through a byte source and treating every field as hostile. */
#ifndef VB_PE_H
#define VB_PE_H

#include <stdint.h>
#include "lib/error.h"
#include "lib/source.h"

#define PE_MACHINE_X64  0x8664u
#define PE_MACHINE_AA64 0xAA64u
#if defined(__aarch64__)
#define PE_MACHINE_NATIVE PE_MACHINE_AA64
#else
#define PE_MACHINE_NATIVE PE_MACHINE_X64
#endif

typedef struct pe_section {
    uint16_t machine; /* the COFF header's machine */
    uint64_t offset;  /* of the section's bytes in the file */
    uint32_t size;    /* bytes in the file (VirtualSize capped to SizeOfRawData) */
} pe_section;

/* Finds the section called name (up to 8 bytes) in src. Checks the DOS
 * header ("MZ", e_lfanew), the "PE\0\0" signature, the COFF header, the
 * optional header magic (PE32 or PE32+), the section table and the
 * section's bytes against the file size. Returns 0; VB_EFORMAT (not a PE:
 * no MZ or PE signature, bad optional header magic); VB_ETRUNCATED
 * (headers or section table past the end); VB_ECORRUPT (section data past
 * the end); VB_ELIMIT (more than VB_PE_SECTIONS_MAX sections);
 * VB_ENOTFOUND (no such section); or the source's error. diag says why. */
int pe_find_section(const vb_source *src, const char *name, pe_section *ret, vb_diag *diag);

#endif
