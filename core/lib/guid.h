/* guid.h: GUIDs (GPT partition and disk GUIDs, EFI GUIDs) in their on-disk
 * byte order, and their text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#ifndef VB_GUID_H
#define VB_GUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A GUID in its on-disk byte order (the first three fields little-endian,
 * the last two big-endian: the "mixed-endian" layout EFI uses). */
typedef struct vb_guid {
    uint8_t bytes[16];
} vb_guid;

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus NUL. */
#define VB_GUID_STR_LEN 37

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits in any case,
 * exactly n = 36 characters) into on-disk byte order. Returns false (and
 * leaves *ret_guid alone) if it is not such a string. */
bool vb_guid_parse(const char *s, size_t n, vb_guid *ret_guid);

/* Formats a GUID in lower case into out (VB_GUID_STR_LEN bytes). */
void vb_guid_format(const vb_guid *guid, char out[VB_GUID_STR_LEN]);

/* True when all 16 bytes are zero (an unused GPT slot, no disk GUID). */
bool vb_guid_is_zero(const vb_guid *guid);

#endif
