/* chain.h: starting an EFI program stored inside a virtual disk the
 * firmware can see (the live block device of blockdev.h, or a RAM disk).
 * The firmware's child handle for the chosen partition is found under the
 * disk by its HARDDRIVE device path node (partition number, start LBA in the
 * disk's blocks, GPT signature; a logical MBR partition's node is under the
 * extended one's), a file node for the program's path appended, and the program
 * loaded with LoadImage from that device path (so Secure Boot applies and
 * its DeviceHandle is that partition, where it finds its own files), with
 * the entry's options as LoadOptions, and started. */
#ifndef VB_CHAIN_H
#define VB_CHAIN_H

#include <efi.h>
#include "handover.h"
#include "part/part.h"

typedef struct chain_request {
    const EFI_DEVICE_PATH *disk_path; /* the disk's device path, as published */
    const part_entry *part; /* the partition holding the program; NULL: a whole-disk filesystem */
    part_scheme scheme;     /* of the disk's table (GPT: the signature is matched too) */
    uint32_t block_size;    /* the disk's block size as published: HD start LBAs count these */
    const char *path;       /* the program, UTF-8, either separator */
    const char *options;    /* UTF-8 load options ("" for none) */
    void (*before_start)(void);
} chain_request;

/* Finds the partition's handle, builds the path, loads and starts the
 * program. Returns VB_ENOTFOUND when the firmware made no handle for the
 * partition, VB_ELIMIT / VB_EPATH / VB_EINVAL when the path cannot be a
 * device path; otherwise 0 with *ret_result saying where handover_boot
 * stopped (it returns only on failure or when the program returned). */
int chain_start(const chain_request *req, handover_result *ret_result);

#endif
