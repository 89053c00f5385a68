/* fuzz_cfg.c: libFuzzer harness of the loader configuration parser
 * (core/cfg/cfg.c): any bytes in, a config plus messages out; and of the
 * UTF-8 -> UCS-2 conversion (core/lib/utf8.c) the loader applies to the values
 * it hands to firmware (command line, titles, paths), on every kept value
 * and on the raw input.
 *
 * Invariants (README "Configuration reference"): every kept string lies in
 * the config's own pool and is NUL-terminated; every kept entry has an id,
 * a title, a disk and exactly one of a kernel and an EFI program (no
 * initrd with the latter), a unique id without spaces, at most
 * VB_CFG_INITRDS_MAX initrds and a valid partition selector; messages are
 * printable, one line, and counted; a config without entries has an
 * error unless automatic entries are on; the timeout is within limits; a
 * default found among the entries matches it; images folders are kept strings. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "cfg/cfg.h"
#include "lib/error.h"
#include "fuzz_util.h"
#include "lib/utf16.h"
#include "lib/utf8.h"

static cfg_config cfg;

static void check_string(const char *s, bool may_be_null) {
    if (!s) {
        FUZZ_ASSERT(may_be_null);
        return;
    }
    FUZZ_ASSERT(s >= cfg.pool && s < cfg.pool + cfg.pool_used);
    FUZZ_ASSERT(memchr(s, 0, (size_t)(cfg.pool + cfg.pool_used - s)) != NULL);
    FUZZ_ASSERT(strlen(s) <= VB_CFG_VALUE_MAX);
}

/* utf8_to_ucs2 in both modes and at a small capacity; a strict conversion
 * of printable text converts back (utf16_to_utf8) to the same bytes. */
static void check_ucs2(const char *s, size_t n) {
    static uint16_t ucs2[VB_CFG_FILE_MAX + 1];
    static char back[3 * VB_CFG_FILE_MAX + 1];
    size_t cap = n + 1 < sizeof(ucs2) / 2 ? n + 1 : sizeof(ucs2) / 2;
    int units = utf8_to_ucs2(ucs2, cap, s, n, true);
    FUZZ_ASSERT(units == VB_EINVAL || units == VB_ELIMIT || (units >= 0 && (size_t)units < cap));
    if (units >= 0) {
        FUZZ_ASSERT(ucs2[units] == 0);
        size_t len = utf16_to_utf8(ucs2, (size_t)units, back, sizeof(back));
        size_t text = strnlen(s, n);
        bool printable = true;
        for (size_t i = 0; i < text; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
                printable = false;
        if (printable && text * 3 < sizeof(back))
            FUZZ_ASSERT(len == text && memcmp(back, s, text) == 0);
    }
    int lax = utf8_to_ucs2(ucs2, cap, s, n, false);
    FUZZ_ASSERT(lax == VB_ELIMIT || (lax >= 0 && (size_t)lax < cap));
    FUZZ_ASSERT(utf8_to_ucs2(ucs2, 4, s, n, false) <= 3);
    uint32_t cp;
    if (n > 0) {
        size_t used = utf8_decode(s, n, &cp);
        FUZZ_ASSERT(used <= 4 && used <= n);
        if (used)
            FUZZ_ASSERT(cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_ucs2((const char *)data, size);
    FUZZ_ASSERT(cfg_parse(&cfg, (const char *)data, size) == 0);
    FUZZ_ASSERT(cfg.pool_used <= sizeof(cfg.pool));
    FUZZ_ASSERT(cfg.entry_count <= VB_CFG_ENTRIES_MAX);
    FUZZ_ASSERT(cfg.message_count <= VB_CFG_MESSAGES_MAX);
    FUZZ_ASSERT(cfg.timeout <= VB_CFG_TIMEOUT_MAX);
    if (cfg.entry_count == 0 && !cfg.auto_entries)
        FUZZ_ASSERT(cfg.error_count > 0);
    if (cfg.entry_count)
        FUZZ_ASSERT(cfg.default_entry < cfg.entry_count);
    else
        FUZZ_ASSERT(!cfg.default_found);
    if (cfg.default_found)
        FUZZ_ASSERT(cfg_default_matches(cfg.default_id, cfg.entries[cfg.default_entry].id));
    check_string(cfg.default_id, true);
    FUZZ_ASSERT(cfg.images_count <= VB_CFG_IMAGES_MAX);
    for (uint32_t i = 0; i < cfg.images_count; i++)
        check_string(cfg.images[i], false);
    uint32_t errors = 0, warnings = 0;
    for (uint32_t i = 0; i < cfg.message_count; i++) {
        const cfg_message *m = &cfg.messages[i];
        FUZZ_ASSERT(m->severity == CFG_ERROR || m->severity == CFG_WARNING);
        FUZZ_ASSERT(memchr(m->text, 0, sizeof(m->text)) != NULL);
        for (const char *p = m->text; *p; p++)
            FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7F);
        FUZZ_ASSERT(strlen(cfg_severity_name(m->severity)) > 0);
        if (m->severity == CFG_ERROR)
            errors++;
        else
            warnings++;
    }
    FUZZ_ASSERT(cfg.error_count + cfg.warning_count == errors + warnings + cfg.messages_dropped);
    FUZZ_ASSERT(cfg.error_count >= errors && cfg.warning_count >= warnings);
    for (uint32_t i = 0; i < cfg.entry_count; i++) {
        const cfg_entry *e = &cfg.entries[i];
        check_string(e->id, false);
        check_string(e->title, false);
        check_string(e->disk, false);
        FUZZ_ASSERT((e->kernel == NULL) != (e->efi == NULL));
        check_string(e->kernel, true);
        check_string(e->efi, true);
        if (e->efi)
            FUZZ_ASSERT(e->initrd_count == 0 && e->efi[0] != '\0');
        FUZZ_ASSERT(e->ramdisk == true || e->ramdisk == false);
        /* options is "" (a literal) when the entry has none. */
        FUZZ_ASSERT(e->options != NULL);
        if (e->options[0])
            check_string(e->options, false);
        FUZZ_ASSERT(e->id[0] != '\0' && strchr(e->id, ' ') == NULL && strchr(e->id, '\t') == NULL);
        FUZZ_ASSERT((!e->kernel || e->kernel[0] != '\0') && e->disk[0] != '\0');
        FUZZ_ASSERT(e->disk_kind >= CFG_DISK_PATH && e->disk_kind <= CFG_DISK_PARTLABEL);
        FUZZ_ASSERT(e->initrd_count <= VB_CFG_INITRDS_MAX);
        for (uint32_t k = 0; k < e->initrd_count; k++)
            check_string(e->initrds[k], false);
        switch (e->partition_kind) {
        case CFG_PARTITION_AUTO:
            FUZZ_ASSERT(e->partition == NULL);
            break;
        case CFG_PARTITION_INDEX:
            FUZZ_ASSERT(e->partition_index >= 1);
            break;
        case CFG_PARTITION_LABEL:
        case CFG_PARTITION_UUID:
            check_string(e->partition, false);
            break;
        default:
            FUZZ_ASSERT(!"bad partition kind");
        }
        for (uint32_t j = 0; j < i; j++)
            FUZZ_ASSERT(strcmp(cfg.entries[j].id, e->id) != 0);
        check_ucs2(e->title, strlen(e->title));
        check_ucs2(e->options, strlen(e->options));
        const char *program = e->kernel ? e->kernel : e->efi;
        check_ucs2(program, strlen(program));
    }
    return 0;
}
