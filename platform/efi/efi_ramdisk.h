/* efi_ramdisk.h: EFI_RAM_DISK_PROTOCOL (UEFI 2.6, section 13.x "RAM Disk
 * Protocol") and its GUIDs, which gnu-efi 3.0.15 does not define. The
 * firmware (OVMF: RamDiskDxe) publishes a registered memory range as a
 * Block I/O device and describes it to the OS in an ACPI NFIT. */
#ifndef VB_EFI_RAMDISK_H
#define VB_EFI_RAMDISK_H

#include <efi.h>

typedef struct efi_ram_disk_protocol efi_ram_disk_protocol;

/* Registers [base, base + size) as a RAM disk of type `type`; the new
 * disk's device path (parent's path plus a RAM disk node) goes to
 * *ret_path, owned by the firmware. */
typedef EFI_STATUS(EFIAPI *efi_ram_disk_register)(UINT64 base, UINT64 size, EFI_GUID *type,
                                                  EFI_DEVICE_PATH *parent,
                                                  EFI_DEVICE_PATH **ret_path);
/* Removes the RAM disk that path names (the memory stays the caller's). */
typedef EFI_STATUS(EFIAPI *efi_ram_disk_unregister)(EFI_DEVICE_PATH *path);

struct efi_ram_disk_protocol {
    efi_ram_disk_register Register;
    efi_ram_disk_unregister Unregister;
};

/* ab38a0df-6873-44a9-87e6-d4eb56148449 */
#define EFI_RAM_DISK_PROTOCOL_GUID                                                                 \
    {                                                                                              \
        0xab38a0df, 0x6873, 0x44a9, {                                                              \
            0x87, 0xe6, 0xd4, 0xeb, 0x56, 0x14, 0x84, 0x49                                         \
        }                                                                                          \
    }
/* The virtual-disk type of a RAM disk (EFI_VIRTUAL_DISK_GUID):
 * 77ab535a-45fc-624b-5560-f7b281d1f96e. */
#define EFI_VIRTUAL_DISK_GUID                                                                      \
    {                                                                                              \
        0x77ab535a, 0x45fc, 0x624b, {                                                              \
            0x55, 0x60, 0xf7, 0xb2, 0x81, 0xd1, 0xf9, 0x6e                                         \
        }                                                                                          \
    }

#endif
