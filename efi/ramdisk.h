/* ramdisk.h: the whole virtual disk copied into memory and registered with
 * the firmware's EFI_RAM_DISK_PROTOCOL (virtual-disk type), so the firmware
 * sees it as a block device and Linux as /dev/pmemN (modules nfit, nd_pmem).
 *
 * The memory is EfiReservedMemoryType pages, 2 MiB aligned, one range (one
 * memory-map descriptor: OVMF publishes no NFIT for a range split across
 * several). Holes and zero runs of the VMDK are zeroed, never read; data
 * runs are read in large chunks with a progress line. */
#ifndef VB_RAMDISK_H
#define VB_RAMDISK_H

#include <efi.h>
#include <stdint.h>
#include "efi_ramdisk.h"
#include "vmdk/vmdk.h"

/* Where ramdisk_create stopped. */
typedef enum ramdisk_stage {
    RAMDISK_PROTOCOL, /* the firmware has no RAM disk protocol */
    RAMDISK_MEMORY,   /* the disk does not fit (arithmetic or AllocatePages) */
    RAMDISK_READ,     /* reading the VMDK failed: the disk's diag says why */
    RAMDISK_REGISTER, /* Register() failed */
    RAMDISK_DONE,
} ramdisk_stage;

typedef struct ramdisk {
    uint8_t *base;         /* 2 MiB aligned; NULL when no memory is held */
    uint64_t size;         /* bytes registered: the disk's capacity */
    uint64_t pages;        /* 4 KiB pages held from base */
    uint64_t data_bytes;   /* bytes read from the VMDK (data runs) */
    uint64_t fill_ms;      /* time of the fill */
    uint64_t read_ms;      /* of which in vmdk_read (the rest: zeroing, map) */
    EFI_DEVICE_PATH *path; /* the registered disk's path (firmware's); NULL before */
    efi_ram_disk_protocol *proto;
    ramdisk_stage stage;
    EFI_STATUS status; /* of the failing firmware call */
} ramdisk;

/* Copies the open disk into memory and registers it, with the device path
 * `parent` (the device holding the VMDK; may be NULL) as its parent. name
 * is how the progress line names the disk. Returns 0, or a negative vb_err
 * with rd->stage (and rd->status) saying where it stopped; nothing is held
 * then. Prints "ramdisk: N MiB in T ms ..." on success. */
int ramdisk_create(vmdk_disk *disk, EFI_DEVICE_PATH *parent, const char *name, ramdisk *rd);

/* The problem text of a failure in a stage other than RAMDISK_READ, e.g.
 * "needs 65536 MiB, the firmware could not allocate it". */
const char *ramdisk_problem(const ramdisk *rd);

/* Unregisters the disk (when registered) and frees its memory. Safe on a
 * zeroed or already released struct. */
void ramdisk_release(ramdisk *rd);

#endif
