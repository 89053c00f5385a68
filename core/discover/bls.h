/* bls.h: Boot Loader Specification Type #1 entry files
 * (/loader/entries/NAME.conf), their parser and systemd-boot's order of
 * them, and the UAPI version comparison that order uses. The entry text
 * is untrusted: any bytes in, an entry or a one-line reason out. */
#ifndef VB_BLS_H
#define VB_BLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"
#include "vb_config.h"

/* The architecture this build boots ("x64" or "aa64" in BLS terms). */
#if defined(__aarch64__)
#define BLS_ARCH "aa64"
#else
#define BLS_ARCH "x64"
#endif

typedef struct bls_entry {
    const char *title;    /* NULL when the file has none */
    const char *version;  /* NULL when none */
    const char *sort_key; /* NULL when none */
    const char *linux_path;
    const char *initrds[VB_CFG_INITRDS_MAX];
    uint32_t initrd_count;
    const char *options; /* every `options` line joined with one space; "" when none */
    const char *efi;     /* NULL when none */
    const char *architecture;
    size_t pool_used, options_len;
    char pool[VB_DISCOVER_FILE_MAX + 64];
    char options_buf[VB_DISCOVER_FILE_MAX + 1];
} bls_entry;

/* Parses text[0..len) into *e (cleared first). arch is the architecture
 * this loader boots (BLS_ARCH). Returns 0; VB_ENOTFOUND for an entry of
 * another architecture (diag says which); VB_ELIMIT (larger than
 * VB_DISCOVER_FILE_MAX, more than VB_CFG_INITRDS_MAX initrds); VB_ECORRUPT
 * for a NUL byte or an entry with neither `linux` nor `efi`. */
int bls_parse(bls_entry *e, const char *text, size_t len, const char *arch, vb_diag *diag);

/* The UAPI Version Format Specification comparison (systemd's
 * strverscmp_improved): <0, 0, >0 as a is older, equal, newer than b. */
int bls_version_compare(const char *a, const char *b);

/* systemd-boot's order of two entries (negative: a is listed first):
 * entries with a sort-key before those without; between two with one, the
 * sort-keys in byte order, then the versions newest first; then the file
 * names (without .conf) by version comparison, newest first. NULL
 * sort_key/version: none. */
int bls_order(const char *a_sort_key, const char *a_version, const char *a_name,
              const char *b_sort_key, const char *b_version, const char *b_name);

#endif
