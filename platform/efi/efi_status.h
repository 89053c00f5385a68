/* efi_status.h: the one place where EFI_STATUS becomes a core vb_err, and
 * the short human names of EFI_STATUS values for messages.
 *
 * Byte sources can only return a vb_err to core, so each firmware object
 * (a file, a Block I/O source, an opener) keeps the status of its own last
 * failing firmware call, and functions without an object hand it back; the
 * loader adds its name to a message ("I/O error (firmware: device error)"). */
#ifndef VB_EFI_STATUS_H
#define VB_EFI_STATUS_H

#include <efi.h>

/* Maps s to a vb_err (0 for success). */
int efi_status_to_vb(EFI_STATUS s);

/* Short lower-case name: "not found", "access denied", "device error"...
 * Unknown values give "unknown status". */
const char *efi_status_name(EFI_STATUS s);

#endif
