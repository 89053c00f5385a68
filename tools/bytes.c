/* bytes.c: the BYTES / SIZE numbers of the command line (--offset,
 * --length, create's SIZE). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vmdk_tool.h"

bool tool_parse_bytes(const char *s, uint64_t *ret) {
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    /* Suffix -> shift: s is 512 bytes, K/M/G/T powers of 1024. */
    static const char suffixes[] = "sKkMGT";
    static const unsigned shifts[] = {9, 10, 10, 20, 30, 40};
    uint64_t mul = 1;
    if (*end) {
        const char *at = strchr(suffixes, *end);
        if (!at || end[1])
            return false;
        mul = 1ull << shifts[at - suffixes];
    }
    return !__builtin_mul_overflow((uint64_t)v, mul, ret);
}
