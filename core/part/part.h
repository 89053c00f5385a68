/* part.h: the partition-table API shared by GPT (gpt.c) and MBR (mbr.c).
 *
 * part_read() lists the partitions of a disk source into a caller-owned
 * part_table; part_open() turns one of them into a source (a bounded slice
 * of the disk). Everything read from the disk is untrusted: every LBA, count
 * and size is checked against the disk before it is used, and a partition
 * that does not fit the disk makes the whole table an error. */
#ifndef VB_PART_H
#define VB_PART_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/guid.h"
#include "lib/source.h"
#include "vb_config.h"

typedef enum part_scheme {
    PART_SCHEME_NONE = 0,
    PART_SCHEME_MBR = 1,
    PART_SCHEME_GPT = 2,
} part_scheme;

typedef struct part_entry {
    uint32_t index;      /* 1-based: GPT slot number, or Linux MBR numbering
                            (primaries 1-4 by slot, logicals from 5) */
    uint64_t start;      /* bytes from the start of the disk */
    uint64_t size;       /* bytes, > 0 */
    uint8_t mbr_type;    /* MBR: the type byte; GPT: 0 */
    bool bootable;       /* MBR: status 0x80; GPT: legacy BIOS bootable bit */
    bool logical;        /* MBR: a logical partition inside an extended one */
    vb_guid type_guid;   /* GPT only (zero for MBR) */
    vb_guid unique_guid; /* GPT only (zero for MBR) */
    uint64_t attributes; /* GPT attribute bits */
    /* PARTUUID as Linux and EFI print it: the unique GUID in lower case for
     * GPT, "ssssssss-nn" (disk signature, index in hex) for MBR. */
    char uuid[VB_GUID_STR_LEN];
    char name[VB_PART_NAME_MAX]; /* GPT name as UTF-8 ("" for MBR) */
} part_entry;

typedef struct part_table {
    part_scheme scheme;
    uint32_t sector_size;            /* bytes per LBA used to read the table */
    uint32_t count;                  /* entries in use in entries[] */
    bool gpt_used_backup;            /* GPT: the primary was bad, the backup was used */
    vb_guid disk_guid;               /* GPT */
    uint32_t mbr_signature;          /* MBR: disk signature at byte 440 */
    part_entry entries[VB_PART_MAX]; /* in index order */
    vb_diag diag;                    /* detail of the last failure */
    uint8_t io[VB_PART_IO_BYTES];    /* scratch: one sector at a time */
} part_table;

/* Reads the partition table of disk. sector_size is 512 or 4096, or 0 to
 * detect it (a GPT header at byte 4096 rather than 512 means 4096; else 512).
 * A GPT is used when the MBR has a protective (0xEE) entry or LBA 1 holds a
 * GPT header; otherwise the MBR (with extended/logical partitions). Returns
 * 0, VB_EFORMAT (no partition table: no 0x55AA signature, a FAT boot sector
 * in sector 0, or an MBR that lists no partition), VB_ECORRUPT, VB_ECHECKSUM (GPT: both
 * copies fail their CRC), VB_ELOOP (EBR chain), VB_ELIMIT, VB_EINVAL (bad
 * sector_size) or the source's I/O error; table->diag says why. */
int part_read(part_table *table, const vb_source *disk, uint32_t sector_size);

/* The two schemes on their own (part_read dispatches to them). gpt_read
 * tries the primary header, then the backup (at the primary's AlternateLBA
 * and at the last LBA). mbr_read refuses a protective MBR with VB_EFORMAT. */
int gpt_read(part_table *table, const vb_source *disk, uint32_t sector_size);
int mbr_read(part_table *table, const vb_source *disk, uint32_t sector_size);

/* Lookups: by 1-based index; by GPT name (exact, byte for byte); by PARTUUID
 * (case-insensitive, GPT GUID or MBR "ssssssss-nn" form). NULL if none. */
const part_entry *part_find_index(const part_table *table, uint32_t index);
const part_entry *part_find_label(const part_table *table, const char *label);
const part_entry *part_find_uuid(const part_table *table, const char *uuid);

/* Makes the partition a source: a slice of disk that the caller's slice
 * struct backs (it must outlive the source). */
int part_open(const part_entry *entry, const vb_source *disk, vb_slice *slice,
              vb_source *ret_source);

/* Short name of a scheme: "gpt", "mbr" or "none". */
const char *part_scheme_name(part_scheme scheme);

#endif
