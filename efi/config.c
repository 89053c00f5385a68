/* config.c: reads the configuration file and reports its diagnostics (see
 * config.h). The file is untrusted: core/cfg parses it; this file only
 * reads it with a size bound and prints. */
#include "config.h"
#include "efi_con.h"
#include "efi_file.h"
#include "lib/error.h"
#include "lib/util.h"

static char text[CONFIG_FILE_MAX + 1];

/* Appends one line to notes (and prints it). */
static size_t note(char *notes, size_t cap, size_t used, const char *line) {
    con_printf("%s\n", line);
    if (used < cap)
        used += vb_format(notes + used, cap - used, "%s%s", used ? "\n" : "", line);
    return used;
}

int config_load(cfg_config *cfg, char *notes, size_t cap) {
    EFI_FILE_PROTOCOL *root;
    size_t len = 0, used = 0;
    char line[VB_DETAIL_MAX + 64];
    if (cap)
        notes[0] = '\0';
    int r = efi_volume_root(&root, NULL);
    if (r == 0) {
        r = efi_file_read_all(root, CONFIG_PATH, text, sizeof(text), &len);
        root->Close(root);
    }
    if (r == VB_ENOTFOUND) {
        /* No configuration at all: the defaults, drop-in images included. */
        cfg_parse(cfg, "", 0);
        vb_format(line, sizeof(line), "vmdkboot: no %s; using the defaults (timeout %u, auto yes)",
                  CONFIG_PATH, (unsigned)cfg->timeout);
        note(notes, cap, used, line);
        return 0;
    }
    if (r < 0) {
        vb_format(line, sizeof(line), "vmdkboot: %s: %s", CONFIG_PATH,
                  r == VB_ELIMIT ? "larger than 64 KiB" : vb_err_message(r));
        note(notes, cap, used, line);
        return r;
    }
    cfg_parse(cfg, text, len);
    for (uint32_t i = 0; i < cfg->message_count; i++) {
        const cfg_message *m = &cfg->messages[i];
        if (m->line)
            vb_format(line, sizeof(line), "vmdkboot.conf: line %u: %s: %s", (unsigned)m->line,
                      cfg_severity_name(m->severity), m->text);
        else
            vb_format(line, sizeof(line), "vmdkboot.conf: %s: %s", cfg_severity_name(m->severity),
                      m->text);
        used = note(notes, cap, used, line);
    }
    if (cfg->messages_dropped) {
        vb_format(line, sizeof(line), "vmdkboot.conf: %u more messages not shown",
                  (unsigned)cfg->messages_dropped);
        used = note(notes, cap, used, line);
    }
    return cfg->entry_count || cfg->auto_entries ? 0 : VB_ENOTFOUND;
}
