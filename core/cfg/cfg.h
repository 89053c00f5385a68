/* cfg.h: the loader configuration (\EFI\vmdkboot\vmdkboot.conf) parser.
 *
 * cfg_parse() turns a text buffer into a caller-owned cfg_config: global
 * settings, the boot entries that are complete and valid, and diagnostics
 * (line number, severity, one line of text) for the loader to print, since
 * core/ never prints. The grammar is documented in README.md
 * ("Configuration reference"); the text is untrusted and any bytes are
 * accepted. Limits are in vb_config.h (VB_CFG_*).
 *
 * The strings of a cfg_config point into its own pool: do not copy the
 * struct (pass it by pointer); it is large, so firmware keeps it static. */
#ifndef VB_CFG_H
#define VB_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vb_config.h"

typedef enum cfg_severity {
    CFG_WARNING = 1, /* reported, otherwise ignored */
    CFG_ERROR = 2,   /* the setting, or the entry it is in, is left out */
} cfg_severity;

typedef struct cfg_message {
    uint32_t line; /* 1-based; 0 when not tied to a line */
    cfg_severity severity;
    char text[VB_DETAIL_MAX]; /* one line, no control characters */
} cfg_message;

/* Where an entry's VMDK is. */
typedef enum cfg_disk_kind {
    CFG_DISK_PATH = 1,      /* a file on the loader's volume */
    CFG_DISK_PARTUUID = 2,  /* a raw partition, by GPT unique GUID */
    CFG_DISK_PARTLABEL = 3, /* a raw partition, by GPT name */
} cfg_disk_kind;

/* Which partition of the virtual disk holds the kernel. */
typedef enum cfg_partition_kind {
    CFG_PARTITION_AUTO = 0,  /* the first whose filesystem holds the kernel */
    CFG_PARTITION_INDEX = 1, /* partition_index, 1-based */
    CFG_PARTITION_LABEL = 2, /* partition = GPT name */
    CFG_PARTITION_UUID = 3,  /* partition = PARTUUID (GPT GUID or MBR form) */
} cfg_partition_kind;

typedef struct cfg_entry {
    const char *id;    /* from `entry ID` */
    const char *title; /* the `title`, or the ID when there is none */
    cfg_disk_kind disk_kind;
    const char *disk; /* path, GUID or label, without its "partuuid="/"partlabel=" */
    cfg_partition_kind partition_kind;
    uint32_t partition_index; /* CFG_PARTITION_INDEX */
    const char *partition;    /* label or PARTUUID text; NULL otherwise */
    const char *kernel;       /* path inside the partition; NULL with efi */
    const char *efi; /* EFI program inside the partition; NULL unless the entry has `efi` */
    bool ramdisk;    /* `ramdisk yes`: the whole disk is copied to a UEFI RAM disk first */
    const char *initrds[VB_CFG_INITRDS_MAX]; /* in file order; none with efi */
    uint32_t initrd_count;
    const char *options; /* kernel command line or the EFI program's load options, "" when none */
    uint32_t line;       /* line of the `entry` key */
} cfg_entry;

typedef struct cfg_config {
    uint32_t timeout;       /* seconds; VB_CFG_TIMEOUT_DEFAULT when not set */
    bool timeout_set;       /* a valid `timeout` line was seen */
    const char *default_id; /* the `default` value, or NULL */
    uint32_t default_entry; /* index into entries[]: the first entry whose ID
                               `default` names or matches as a glob, else 0 */
    bool default_found;     /* default_entry is such a match (without one, the
                               loader looks among the automatic entries) */

    /* Drop-in images. */
    const char *images[VB_CFG_IMAGES_MAX]; /* `images` folders in file order */
    uint32_t images_count;                 /* 0: the default, \images */
    bool auto_entries;                     /* `auto` (default yes) */
    bool auto_ramdisk;                     /* `auto-ramdisk` (default yes) */

    uint32_t entry_count;
    cfg_entry entries[VB_CFG_ENTRIES_MAX];
    uint32_t error_count, warning_count; /* including dropped messages */
    uint32_t message_count;              /* kept in messages[] */
    uint32_t messages_dropped;           /* beyond VB_CFG_MESSAGES_MAX */
    cfg_message messages[VB_CFG_MESSAGES_MAX];
    size_t pool_used;
    char pool[VB_CFG_POOL_BYTES];
} cfg_config;

/* Parses text[0..len) (no NUL needed; NUL bytes are reported as errors)
 * into *cfg, which is cleared first. Always returns 0: problems are
 * reported as messages, and error_count says whether there were any. With
 * `auto no`, a file without a single usable entry gets an error (line 0),
 * and so does a `default` that matches no entry; with automatic entries
 * (the default) both are left to the loader, which knows them. */
int cfg_parse(cfg_config *cfg, const char *text, size_t len);

/* Whether the `default` value (an ID or a glob: '*' any run, '?' one
 * character) selects the entry ID id. */
bool cfg_default_matches(const char *pattern, const char *id);

/* "warning" or "error". */
const char *cfg_severity_name(cfg_severity severity);

#endif
