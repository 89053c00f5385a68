/* main.c: the loader's entry point. Reads the configuration (or takes the
 * defaults without one), adds the drop-in images' automatic entries after
 * the configured ones, shows the menu (or boots the default at once with
 * timeout 0), boots the chosen entry, and on failure shows the message and
 * the menu again, or returns an error to the firmware so its next boot
 * option runs. */
#include "boot.h"
#include "cfg/cfg.h"
#include "config.h"
#include "efi_con.h"
#include "efi_env.h"
#include "efi_time.h"
#include "images.h"
#include "lib/util.h"
#include "menu.h"

static cfg_config cfg;
#define MAIN_ITEMS_MAX (VB_CFG_ENTRIES_MAX + IMAGES_AUTO_MAX)
static const cfg_entry *items[MAIN_ITEMS_MAX];
static const char *titles[MAIN_ITEMS_MAX];
static char notes[2048];
static char message[VB_DETAIL_MAX * 4];

/* crt0 calls this with the System V ABI after relocating the image: it
 * must not be EFIAPI (see docs/uefi-notes.md). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st) {
    time_start();
    efi_env_init(image, st);
    /* Nobody is watching the clock while the menu waits. */
    efi_bs->SetWatchdogTimer(0, 0, 0, NULL);
    con_printf("vmdkboot %s\n", VMDKBOOT_VERSION);

    if (config_load(&cfg, notes, sizeof(notes)) < 0) {
        con_printf("vmdkboot: no entry to boot; returning to the firmware\n");
        return EFI_NOT_FOUND;
    }
    uint32_t count = 0, def = 0;
    for (; count < cfg.entry_count; count++)
        items[count] = &cfg.entries[count];
    size_t used = vb_strlen(notes);
    count = images_scan(&cfg, items, count, MAIN_ITEMS_MAX, notes, sizeof(notes), &used);
    if (count == 0) {
        con_printf("vmdkboot: no entry to boot; returning to the firmware\n");
        return EFI_NOT_FOUND;
    }
    /* The default: a configured match, else the first ID the glob matches. */
    if (cfg.default_found) {
        def = cfg.default_entry;
    } else if (cfg.default_id) {
        while (def < count && !cfg_default_matches(cfg.default_id, items[def]->id))
            def++;
        if (def == count) {
            def = 0;
            con_printf("vmdkboot: default '%s' matches no entry; the first is the default\n",
                       cfg.default_id);
        }
    }
    const cfg_entry *d = items[def];
    if (cfg.timeout == 0) {
        con_printf("Booting %s\n", d->title);
        EFI_STATUS s = boot_entry_run(d, message, sizeof(message));
        con_printf("vmdkboot: %s\n", message);
        con_printf("vmdkboot: returning to the firmware\n");
        return s;
    }

    for (uint32_t i = 0; i < count; i++)
        titles[i] = items[i]->title;
    menu m = {
        .titles = titles,
        .count = count,
        .selected = def,
        .timeout = cfg.timeout,
        .message = notes[0] ? notes : NULL,
    };
    for (;;) {
        if (menu_run(&m) == MENU_EXIT) {
            con_printf("vmdkboot: leaving to the firmware\n");
            return EFI_ABORTED;
        }
        const cfg_entry *e = items[m.selected];
        con_printf("Booting %s\n", e->title);
        boot_entry_run(e, message, sizeof(message));
        con_printf("vmdkboot: %s\n", message);
        /* Back to the menu, without a countdown: no boot loop. */
        m.message = message;
        m.timeout = MENU_NO_TIMEOUT;
    }
}
