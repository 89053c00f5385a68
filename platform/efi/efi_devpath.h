/* efi_devpath.h: building device paths byte by byte (gnu-efi's structs are
 * not packed, and firmware nodes may sit at any alignment). */
#ifndef VB_EFI_DEVPATH_H
#define VB_EFI_DEVPATH_H

#include <efi.h>
#include <stddef.h>

/* Writes into buf (cap bytes) the nodes of base up to (not including) its
 * end node, then a media file path node holding file (UCS-2, NUL
 * included), then the end node. Returns 0, VB_ELIMIT when it does not fit
 * (or a node would pass 64 KiB), VB_ECORRUPT for a malformed base. */
int devpath_append_file(const EFI_DEVICE_PATH *base, const CHAR16 *file, void *buf, size_t cap);

/* Writes into buf (cap bytes) the nodes of base up to its end node, then
 * node (node_len bytes, a whole node with its header), then the end node.
 * Same results as devpath_append_file. */
int devpath_append_node(const EFI_DEVICE_PATH *base, const void *node, size_t node_len, void *buf,
                        size_t cap);

/* The device path of handle (HandleProtocol), or NULL. */
EFI_DEVICE_PATH *devpath_of(EFI_HANDLE handle);

#endif
