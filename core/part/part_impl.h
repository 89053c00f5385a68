/* part_impl.h: the table helpers of part_table.c, shared by gpt.c, mbr.c
 * and part.c (not public API). */
#ifndef VB_PART_IMPL_H
#define VB_PART_IMPL_H

#include "part/part.h"

/* Boot record layout (MBR and EBR, read by part.c and mbr.c), offsets in
 * bytes. */
#define MBR_DISK_SIGNATURE 440 /* u32 */
#define MBR_ENTRIES        446 /* 4 entries of 16 bytes */
#define MBR_ENTRY_SIZE     16
#define MBR_BOOT_SIGNATURE 510 /* 0x55 0xAA */
#define MBR_SECTOR_BYTES   512

/* Partition entry, offsets in bytes. */
#define MBR_ENT_STATUS    0 /* 0x00, or 0x80 for bootable */
#define MBR_ENT_TYPE      4
#define MBR_ENT_FIRST_LBA 8  /* u32, relative (see the EBR rules) */
#define MBR_ENT_SECTORS   12 /* u32 */

#define MBR_TYPE_PROTECTIVE 0xEE

/* True when a boot record sector (MBR_SECTOR_BYTES) ends in 0x55 0xAA. */
bool part_table_mbr_signed(const uint8_t *sector);

/* Appends a zeroed entry (index set) and returns it, or NULL when the table
 * is full (the caller reports VB_ELIMIT). */
part_entry *part_table_add(part_table *table, uint32_t index);

/* Resets the table for scheme (sector size 0 until the caller records it)
 * and settles the sector size: 512 or 4096 as given, or detected for 0 (a
 * GPT signature at byte 4096 and not at byte 512 means 4096). Returns 0 and
 * *ret_size, or VB_EINVAL or a failed read's error with table->diag set. */
int part_table_begin(part_table *table, part_scheme scheme, const vb_source *disk,
                     uint32_t sector_size, uint32_t *ret_size);

/* 1 when the 8 bytes at offset are "EFI PART", 0 when not or when the disk
 * ends before them; a failed read is its own error (table->diag set), never
 * "no signature". */
int part_table_gpt_signature(part_table *table, const vb_source *disk, uint64_t offset);

#endif
