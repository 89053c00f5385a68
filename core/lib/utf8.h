/* utf8.h: UTF-8 decoding and conversion to UCS-2, for text the loader hands
 * to firmware (paths, kernel command lines, menu titles).
 *
 * Input is untrusted bytes (a configuration file). Overlong forms,
 * surrogates, truncated sequences and code points past U+10FFFF are
 * invalid. UCS-2 has no room for code points past U+FFFF. */
#ifndef VB_UTF8_H
#define VB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s[0..n) (n > 0). Returns the number of bytes
 * it used (1-4) and sets *ret_cp, or returns 0 for an invalid sequence. */
size_t utf8_decode(const char *s, size_t n, uint32_t *ret_cp);

/* Converts s[0..n) into out (cap units, NUL-terminated). With strict, an
 * invalid sequence or a code point past U+FFFF is VB_EINVAL; without, each
 * becomes U+FFFD. A NUL byte in s ends the text. Returns the number of
 * units written before the NUL, VB_ELIMIT when out is too small. */
int utf8_to_ucs2(uint16_t *out, size_t cap, const char *s, size_t n, bool strict);

#endif
