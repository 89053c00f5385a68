/* boot.h: booting one configured entry: open the VMDK (a file on the
 * loader's volume, or a raw GPT partition), find the partition and the
 * kernel, read kernel and initrds into memory, and hand over. */
#ifndef VB_BOOT_H
#define VB_BOOT_H

#include <efi.h>
#include <stddef.h>

/* What the loader needs of a configuration entry (strings are UTF-8 and
 * stay valid during boot_entry_run). */
typedef struct boot_entry {
    const char *id;
    const char *title;
    const char *disk;      /* "\images\x.vmdk", "partuuid=UUID" or "partlabel=NAME" */
    const char *partition; /* NULL, "N", "label=NAME" or "uuid=PARTUUID" */
    const char *kernel;    /* path inside the partition */
    const char *const *initrds;
    size_t initrd_count;
    const char *options; /* kernel command line, "" for none */
} boot_entry;

/* Boots e. Returns only on failure, or when the kernel returns: then msg
 * holds ONE line naming the entry, the file concerned and the problem, and
 * the result is an error status for the firmware. */
EFI_STATUS boot_entry_run(const boot_entry *e, char *msg, size_t cap);

#endif
