/* efi_env.c: firmware globals, protocol GUIDs and page allocation. */
#include "efi_env.h"
#include "efi_status.h"
#include "lib/error.h"

EFI_SYSTEM_TABLE *efi_st;
EFI_BOOT_SERVICES *efi_bs;
EFI_HANDLE efi_image;

EFI_GUID efi_guid_loaded_image = LOADED_IMAGE_PROTOCOL;
EFI_GUID efi_guid_device_path = DEVICE_PATH_PROTOCOL;
EFI_GUID efi_guid_simple_fs = SIMPLE_FILE_SYSTEM_PROTOCOL;
EFI_GUID efi_guid_file_info = EFI_FILE_INFO_ID;
EFI_GUID efi_guid_block_io = BLOCK_IO_PROTOCOL;
/* UEFI 2.7 EFI_PARTITION_INFO_PROTOCOL (not in gnu-efi 3.0.15 headers). */
EFI_GUID efi_guid_partition_info = {
    0x8cf2f62c, 0xbc9b, 0x4821, {0x80, 0x8d, 0xec, 0x9e, 0xc4, 0x21, 0xa1, 0xa0}};
/* UEFI 2.x EFI_LOAD_FILE2_PROTOCOL. */
EFI_GUID efi_guid_load_file2 = {
    0x4006c0c1, 0xfcb3, 0x403e, {0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d}};
/* Linux's LINUX_EFI_INITRD_MEDIA_GUID 5568e427-68fc-4f3d-ac74-ca555231cc68. */
EFI_GUID efi_guid_linux_initrd_media = {
    0x5568e427, 0x68fc, 0x4f3d, {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}};

void efi_env_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st) {
    efi_image = image;
    efi_st = st;
    efi_bs = st->BootServices;
}

static uint64_t pages_for(uint64_t bytes) {
    return bytes / EFI_PAGE_SIZE + (bytes % EFI_PAGE_SIZE != 0);
}

int efi_pages_alloc(uint64_t bytes, void **ret, EFI_STATUS *ret_status) {
    EFI_PHYSICAL_ADDRESS addr = 0;
    uint64_t pages = pages_for(bytes);
    if (pages == 0)
        pages = 1;
    EFI_STATUS s = efi_bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &addr);
    if (EFI_ERROR(s)) {
        if (ret_status)
            *ret_status = s;
        return efi_status_to_vb(s);
    }
    *ret = (void *)(uintptr_t)addr;
    return 0;
}

void efi_pages_free(void *p, uint64_t bytes) {
    uint64_t pages = pages_for(bytes);
    if (p)
        efi_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)p, pages ? pages : 1);
}

static int pages_alloc(void *ctx, size_t bytes, void **ret_ptr) {
    (void)ctx;
    return efi_pages_alloc(bytes, ret_ptr, NULL);
}

static void pages_free(void *ctx, void *ptr, size_t bytes) {
    (void)ctx;
    efi_pages_free(ptr, bytes);
}

void efi_pages_allocator(vb_allocator *ret) {
    *ret = (vb_allocator){.ctx = NULL, .alloc = pages_alloc, .free = pages_free};
}
