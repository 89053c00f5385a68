/* discover.h: automatic boot entries found inside one disk (a VMDK opened
 * by the caller): BLS Type #1 entry files, Type #2 UKIs, the Debian/Ubuntu
 * layout of an ext2/3/4 root, and the disk's own EFI boot loader. The
 * loader and `vmdk entries` call the same function, so they list the same
 * entries, IDs, titles and order.
 *
 * Every partition is looked at with core's readers (part/, fs/); what is
 * found is kept in a caller-owned discover_result (strings in its pool),
 * and what had to be skipped is kept as one-line problems naming the image,
 * the partition and the file. Nothing is allocated; the scratch objects
 * (partition table, filesystem, a file buffer) live in a caller-owned
 * discover_ctx, large enough that firmware keeps it static. */
#ifndef VB_DISCOVER_H
#define VB_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discover/bls.h"
#include "fs/fs.h"
#include "lib/error.h"
#include "lib/source.h"
#include "part/part.h"
#include "vb_config.h"

typedef enum discover_kind {
    DISCOVER_KERNEL = 1, /* a Linux kernel (linux_path, initrds, options) */
    DISCOVER_EFI = 2,    /* an EFI program started with LoadImage (efi_path, options) */
} discover_kind;

/* Where an entry was found (the NAME part of its ID says it too). */
typedef enum discover_source {
    DISCOVER_BLS = 1,    /* NAME: the entry file name without .conf */
    DISCOVER_UKI = 2,    /* NAME: uki/FILE */
    DISCOVER_DEBIAN = 3, /* NAME: debian */
    DISCOVER_LOADER = 4, /* NAME: efi (the image's \EFI\BOOT\BOOTX64.EFI) */
} discover_source;

typedef struct discover_entry {
    const char *id;    /* "IMAGE/NAME" */
    const char *title; /* "TITLE (IMAGE)" */
    discover_kind kind;
    discover_source source;
    uint32_t partition;     /* 1-based partition index; 0: the whole disk (no table) */
    const char *linux_path; /* DISCOVER_KERNEL; NULL otherwise */
    const char *initrds[VB_CFG_INITRDS_MAX];
    uint32_t initrd_count;
    const char *options;  /* "" when none */
    const char *efi_path; /* DISCOVER_EFI; NULL otherwise */
    /* Order keys (bls_order): NULL when absent. */
    const char *sort_key, *version, *name;
} discover_entry;

typedef struct discover_result {
    uint32_t count;
    uint32_t dropped; /* entries beyond VB_DISCOVER_ENTRIES_MAX */
    discover_entry entries[VB_DISCOVER_ENTRIES_MAX];
    uint32_t problem_count;
    uint32_t problems_dropped; /* beyond VB_DISCOVER_PROBLEMS_MAX */
    char problems[VB_DISCOVER_PROBLEMS_MAX][VB_DETAIL_MAX];
    size_t pool_used;
    char pool[VB_DISCOVER_POOL_BYTES];
} discover_result;

/* Scratch objects of one discover_disk call (read-only for the caller). */
typedef struct discover_ctx {
    discover_result *out;
    const char *image;
    const part_entry *part; /* NULL: the whole disk */
    part_table table;
    vb_slice slice;
    vb_source part_src;
    fs_volume fs;
    fs_dir dir;
    fs_dirent dirent;
    fs_file file;
    bls_entry bls;
    vb_diag diag;
    char path[VB_PATH_MAX];
    char text[VB_DISCOVER_FILE_MAX + 1];
} discover_ctx;

/* Clears *out and lists the entries of disk, named image in IDs, titles
 * and problems (the file name, e.g. "rescue.vmdk"), in menu order: BLS
 * entries and UKIs as systemd-boot orders them, then the Debian layout,
 * then the image's own boot loader. Returns 0, or the error that stopped
 * it (an unreadable partition table: then a problem says so). Filesystems
 * that do not mount, broken entry files and broken UKIs are problems, not
 * errors: the rest is still listed. */
int discover_disk(discover_ctx *ctx, const vb_source *disk, const char *image,
                  discover_result *out);

/* Adds a one-line problem "IMAGE: TEXT" to out (callers use it for an
 * image that does not open). */
void discover_problem(discover_result *out, const char *image, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
