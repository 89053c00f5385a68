/* boot.h: booting one configured entry: open the VMDK (a file on the
 * loader's volume, or a raw GPT partition), find the partition and the
 * kernel, read kernel and initrds into memory, and hand over. */
#ifndef VB_BOOT_H
#define VB_BOOT_H

#include <efi.h>
#include <stddef.h>
#include "cfg/cfg.h"

/* Boots e. Returns only on failure, or when the kernel returns: then msg
 * holds ONE line naming the entry, the file concerned (the VMDK, or the
 * kernel or initrd path inside it) and the problem, and the result is an
 * error status for the firmware. */
EFI_STATUS boot_entry_run(const cfg_entry *e, char *msg, size_t cap);

#endif
