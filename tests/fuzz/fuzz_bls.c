/* fuzz_bls.c: libFuzzer harness of the BLS Type #1 entry parser
 * (core/discover/bls.c), the UAPI version comparison and systemd-boot's
 * order, and the os-release value reader (core/discover/osrel.c): any bytes
 * in.
 *
 * Invariants: bls_parse returns 0 or one of its documented errors with a
 * printable one-line detail; a parsed entry has linux or efi, every kept
 * string lies in the entry's own buffers and is NUL-terminated, at most
 * VB_CFG_INITRDS_MAX initrds; the version comparison is antisymmetric and
 * reflexive; os-release values are printable and bounded. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "discover/bls.h"
#include "discover/osrel.h"
#include "fuzz_util.h"
#include "lib/error.h"

static bls_entry entry;

static void check_string(const char *s) {
    if (!s)
        return;
    bool in_pool = s >= entry.pool && s < entry.pool + entry.pool_used;
    bool in_options = s == entry.options_buf;
    FUZZ_ASSERT(in_pool || in_options);
    const char *end =
        in_pool ? entry.pool + entry.pool_used : entry.options_buf + sizeof(entry.options_buf);
    FUZZ_ASSERT(memchr(s, 0, (size_t)(end - s)) != NULL);
}

static int sign(int v) {
    return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vb_diag diag;
    vb_diag_clear(&diag);
    int r = bls_parse(&entry, (const char *)data, size, BLS_ARCH, &diag);
    FUZZ_ASSERT(r == 0 || r == VB_ENOTFOUND || r == VB_ELIMIT || r == VB_ECORRUPT);
    if (r < 0) {
        FUZZ_ASSERT(diag.err == r && diag.text[0] != '\0');
        for (const char *p = diag.text; *p; p++)
            FUZZ_ASSERT(*p != '\n');
    } else {
        FUZZ_ASSERT(entry.linux_path || entry.efi);
        FUZZ_ASSERT(entry.initrd_count <= VB_CFG_INITRDS_MAX);
        FUZZ_ASSERT(entry.pool_used <= sizeof(entry.pool));
        check_string(entry.title);
        check_string(entry.version);
        check_string(entry.sort_key);
        check_string(entry.linux_path);
        check_string(entry.efi);
        check_string(entry.options);
        for (uint32_t i = 0; i < entry.initrd_count; i++)
            check_string(entry.initrds[i]);
    }
    /* Versions: the input split in two NUL-terminated halves. */
    static char a[4096], b[4096];
    size_t half = size / 2;
    size_t na = half < sizeof(a) - 1 ? half : sizeof(a) - 1;
    size_t nb = size - half < sizeof(b) - 1 ? size - half : sizeof(b) - 1;
    memcpy(a, data, na), a[na] = '\0';
    memcpy(b, data + half, nb), b[nb] = '\0';
    FUZZ_ASSERT(bls_version_compare(a, a) == 0);
    FUZZ_ASSERT(sign(bls_version_compare(a, b)) == -sign(bls_version_compare(b, a)));
    FUZZ_ASSERT(sign(bls_order(a, b, a, NULL, b, a)) == -1);
    /* os-release values. */
    static const char *const keys[] = {"PRETTY_NAME", "NAME", "VERSION_ID", "ID"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        char out[64];
        bool found = osrel_get((const char *)data, size, keys[k], out, sizeof(out));
        size_t n = strnlen(out, sizeof(out));
        FUZZ_ASSERT(n < sizeof(out));
        FUZZ_ASSERT(found == (n > 0));
        for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT((unsigned char)out[i] >= 0x20 && out[i] != 0x7F);
    }
    return 0;
}
