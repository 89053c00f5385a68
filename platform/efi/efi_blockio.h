/* efi_blockio.h: a byte source over EFI_BLOCK_IO_PROTOCOL, for a VMDK
 * written straight onto a partition, and the lookup of that partition by
 * its GPT unique GUID or its GPT name.
 *
 * Reads use the media's BlockSize and MediaId; offsets, lengths and buffers
 * that are not block- or IoAlign-aligned go through a static bounce buffer.
 * Single firmware reads are at most EFI_BLOCKIO_CHUNK bytes. */
#ifndef VB_EFI_BLOCKIO_H
#define VB_EFI_BLOCKIO_H

#include <efi.h>
#include <stdint.h>
#include "lib/source.h"

#define EFI_BLOCKIO_CHUNK  (1024u * 1024u)
#define EFI_BLOCKIO_BOUNCE (64u * 1024u) /* largest block size handled */

typedef struct efi_blockio {
    EFI_BLOCK_IO *bio;
    uint32_t media_id;
    uint32_t block_size;
    uint32_t io_align; /* 1 when the device needs no alignment */
    uint64_t size;     /* bytes */
    EFI_STATUS status; /* of the last failing firmware call, or EFI_SUCCESS */
} efi_blockio;

/* Makes the Block I/O protocol of handle a source (ctx = bio, which must
 * outlive it; bio->status tells the firmware status behind a failure of
 * the open or of a read). VB_EUNSUPPORTED for odd geometry (block size 0 or above the
 * bounce buffer, IoAlign above 4096), VB_ENOTFOUND when no media is in. */
int efi_blockio_open(EFI_HANDLE handle, efi_blockio *bio, vb_source *ret_source);

/* Finds the firmware's handle for a GPT partition: by unique GUID (16 bytes
 * in on-disk order, matched against the partition's HARDDRIVE device path
 * node), or by GPT partition name (UTF-8, exact, read through
 * EFI_PARTITION_INFO_PROTOCOL). VB_ENOTFOUND when none matches (or the
 * name cannot be a GPT name), VB_EINVAL when more than one does (a name
 * must be unambiguous): these two are the only lookup results besides 0 and
 * the firmware's errors, whose status goes to *ret_status (when not NULL). */
int efi_partition_by_guid(const uint8_t guid[16], EFI_HANDLE *ret_handle, EFI_STATUS *ret_status);
int efi_partition_by_label(const char *label, EFI_HANDLE *ret_handle, EFI_STATUS *ret_status);

#endif
