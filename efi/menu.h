/* menu.h: the boot menu on the firmware console (which OVMF mirrors to the
 * serial port): entries listed, the selection highlighted and marked with
 * '>', Up/Down/Home/End to move, Enter to boot, Esc to leave the loader, a
 * countdown that boots the selection and stops at the first key press. */
#ifndef VB_MENU_H
#define VB_MENU_H

#include <stddef.h>

/* No countdown: wait for a key. */
#define MENU_NO_TIMEOUT 0u

typedef struct menu {
    const char *const *titles; /* UTF-8, count of them */
    size_t count;              /* > 0 */
    size_t selected;           /* in: the default; out: the choice */
    unsigned timeout;          /* seconds of countdown, or MENU_NO_TIMEOUT */
    const char *message;       /* shown under the entries (the last failure), or NULL */
} menu;

typedef enum menu_action {
    MENU_BOOT, /* boot titles[selected] */
    MENU_EXIT, /* Esc: return to the firmware */
} menu_action;

/* Shows the menu and waits. The watchdog must already be off. If the
 * firmware cannot wait for keys, boots the selection rather than hang. */
menu_action menu_run(menu *m);

#endif
