/* crc32.h: CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the one
 * GPT, gzip and zlib use. Trusts nothing; any buffer and length are fine. */
#ifndef VB_CRC32_H
#define VB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC over len more bytes, with zlib's convention: start with
 * crc = 0 and pass each result back in; the value returned is final
 * (already complemented). crc32_update(0, "123456789", 9) == 0xCBF43926. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

/* CRC-32 of one buffer: crc32_update(0, data, len). */
uint32_t crc32_compute(const void *data, size_t len);

#endif
