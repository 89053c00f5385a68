/* osrel.h: reading one value of an os-release file (os-release(5)):
 * KEY=VALUE lines, '#' comments, values optionally in double or single
 * quotes, backslash escapes as the shell reads them. Used for a UKI's
 * .osrel section and a root filesystem's /etc/os-release. */
#ifndef VB_OSREL_H
#define VB_OSREL_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of key from text[0..len) into out (cap bytes, NUL
 * included; cut short if need be, control characters replaced by '?').
 * The last assignment of key counts. Returns false (out = "") when key is
 * absent or its value empty. */
bool osrel_get(const char *text, size_t len, const char *key, char *out, size_t cap);

#endif
