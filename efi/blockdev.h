/* blockdev.h: the virtual disk published back to the firmware as a live,
 * read-only EFI_BLOCK_IO_PROTOCOL (revision 1, so the revision 2 and 3 media
 * fields are unused; blocks of the inner disk's own logical sector size, the
 * one its partition table was read with), served by
 * core through the disk's byte source, on a new handle whose device path is
 * the device holding the VMDK plus a vendor media node (vmdkboot GUID and an
 * instance number). Connected recursively, so the firmware's partition and
 * FAT drivers bind to it and an EFI program inside it can be started.
 * One device at a time. */
#ifndef VB_BLOCKDEV_H
#define VB_BLOCKDEV_H

#include <efi.h>
#include "lib/source.h"

/* Installs Block I/O and the device path on a new handle and connects it.
 * disk must stay readable (the VMDK open) until blockdev_remove. block_size
 * is 512 or 4096 (a 4Kn disk: the firmware's partition driver then finds
 * its GPT at byte 4096). parent is the device that holds the VMDK (its
 * device path is the prefix). Returns 0 and the handle, or a negative vb_err
 * with the firmware status (when one failed) in *ret_status. VB_EINVAL:
 * another block size; VB_EUNSUPPORTED: a disk that is not a whole number of
 * blocks, or empty. */
int blockdev_publish(const vb_source *disk, uint32_t block_size, EFI_HANDLE parent,
                     EFI_HANDLE *ret_handle, EFI_STATUS *ret_status);

/* The published device's path (NULL when none is published). */
const EFI_DEVICE_PATH *blockdev_path(void);

/* Disconnects the firmware's drivers from the device and uninstalls it.
 * From then on its reads fail (EFI_NO_MEDIA) even if the firmware kept it
 * (uninstall refused because a driver still holds it); returns that
 * firmware status, or EFI_SUCCESS. */
EFI_STATUS blockdev_remove(void);

#endif
