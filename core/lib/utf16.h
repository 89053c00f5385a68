/* utf16.h: UTF-16 (GPT partition names, FAT long file names) to UTF-8.
 * Trusts nothing: unpaired surrogates and control characters become '?'. */
#ifndef VB_UTF16_H
#define VB_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* Converts units[0..n) (stopping early at a 0 unit) into NUL-terminated
 * UTF-8 in out (cap bytes, cap > 0). Surrogate pairs become 4-byte
 * sequences; an unpaired surrogate or a character below 0x20 (or 0x7F)
 * becomes '?'. A character that does not fit ends the output there (never a
 * partial sequence). Returns the length written, NUL excluded. */
size_t utf16_to_utf8(const uint16_t *units, size_t n, char *out, size_t cap);

#endif
