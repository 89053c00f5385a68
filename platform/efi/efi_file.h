/* efi_file.h: byte sources over EFI_FILE_PROTOCOL (files on the loader's
 * own volume), and the opener that resolves VMDK extent and parent names
 * next to the VMDK.
 *
 * Paths are UTF-8 with '\' or '/' separators, relative to the volume root
 * (a leading separator is optional). Reads go to the firmware in chunks of
 * at most EFI_FILE_CHUNK bytes. Open files come from a static pool sized for
 * the largest VMDK chain core accepts. */
#ifndef VB_EFI_FILE_H
#define VB_EFI_FILE_H

#include <efi.h>
#include <stdbool.h>
#include "lib/source.h"
#include "vb_config.h"

/* Largest single Read() handed to the firmware. */
#define EFI_FILE_CHUNK (1024u * 1024u)

/* Opens the root folder of the volume the loader was started from. On a
 * firmware failure, *ret_status (when not NULL) gets its status. */
int efi_volume_root(EFI_FILE_PROTOCOL **ret_root, EFI_STATUS *ret_status);

/* Opens path read-only as a byte source. VB_ENOTFOUND when it does not
 * exist, VB_EFORMAT when it is a folder, VB_ELIMIT when the pool is full.
 * When the firmware fails the open, *ret_status (when not NULL) gets its
 * status; once open, the file keeps the status of its own last failing
 * read (efi_file_status). */
int efi_file_open(EFI_FILE_PROTOCOL *root, const char *path, vb_source *ret_source,
                  EFI_STATUS *ret_status);
/* The status of the last failing firmware call of an open file (a source
 * made by efi_file_open or the opener), or EFI_SUCCESS. */
EFI_STATUS efi_file_status(const vb_source *source);
/* Closes a source made by efi_file_open (or the opener). Safe on a source
 * that was not opened (ctx NULL). */
void efi_file_close(vb_source *source);

/* Reads a whole file of at most cap - 1 bytes into buf, NUL-terminated.
 * VB_ELIMIT when it is larger. */
int efi_file_read_all(EFI_FILE_PROTOCOL *root, const char *path, char *buf, size_t cap,
                      size_t *ret_len);

/* Resolves core's '/'-relative names inside the folder of a top-level file.
 * The struct must outlive every source opened through it. */
typedef struct efi_dir_opener {
    EFI_FILE_PROTOCOL *root;
    char folder[VB_PATH_MAX]; /* '\'-separated, no leading or trailing '\'; "" = root */
    EFI_STATUS status;        /* of the last failing firmware call of an open through it,
                                 or of a read of a file it opened; EFI_SUCCESS after init */
} efi_dir_opener;

/* Sets up an opener for the folder that holds top_path and returns (in
 * *ret_top_name, pointing into top_path) the file name core should use as
 * the top-level name. VB_ELIMIT when the folder does not fit. */
int efi_dir_opener_init(efi_dir_opener *dir, EFI_FILE_PROTOCOL *root, const char *top_path,
                        vb_opener *ret_opener, const char **ret_top_name);

/* Converts a UTF-8 path (either separator) to the firmware's form: UCS-2,
 * '\' separators, one leading '\'. Refuses ".." components (VB_EPATH),
 * invalid UTF-8 (VB_EINVAL) and paths that do not fit (VB_ELIMIT). */
int efi_path_to_ucs2(CHAR16 *out, size_t cap, const char *folder, const char *path);

#endif
