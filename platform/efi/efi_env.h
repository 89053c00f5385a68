/* efi_env.h: the firmware environment every UEFI file shares: the system
 * table, boot services, the loader's own image handle, the protocol GUIDs the
 * loader uses, and page allocation (also as core's vb_allocator).
 *
 * Built with GNU_EFI_USE_MS_ABI: EFIAPI is __attribute__((ms_abi)), protocol
 * members are called directly, and every callback the firmware or a kernel
 * calls must be declared EFIAPI (see docs/uefi-notes.md). */
#ifndef VB_EFI_ENV_H
#define VB_EFI_ENV_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/alloc.h"

extern EFI_SYSTEM_TABLE *efi_st;
extern EFI_BOOT_SERVICES *efi_bs;
extern EFI_HANDLE efi_image;

extern EFI_GUID efi_guid_loaded_image;
extern EFI_GUID efi_guid_device_path;
extern EFI_GUID efi_guid_simple_fs;
extern EFI_GUID efi_guid_file_info;
extern EFI_GUID efi_guid_block_io;
extern EFI_GUID efi_guid_partition_info;
extern EFI_GUID efi_guid_load_file2;
extern EFI_GUID efi_guid_linux_initrd_media;

/* Records the system table and image handle; call first in efi_main. */
void efi_env_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* Allocates whole pages (EfiLoaderData) for at least bytes bytes. Returns 0
 * or a negative vb_err; *ret is written only on success, *ret_status (when
 * not NULL) only on failure, with the firmware's status. */
int efi_pages_alloc(uint64_t bytes, void **ret, EFI_STATUS *ret_status);
/* Frees what efi_pages_alloc returned for the same byte count. NULL is ok. */
void efi_pages_free(void *p, uint64_t bytes);
/* Fills *ret with an allocator over efi_pages_alloc/efi_pages_free, for the
 * memory core borrows (streamOptimized buffers of a vmdk_disk). */
void efi_pages_allocator(vb_allocator *ret);

#endif
