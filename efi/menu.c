/* menu.c: the boot menu (see menu.h). Trusts the firmware console; draws
 * with SetCursorPosition so a serial terminal sees small updates. */
#include "menu.h"
#include "efi_con.h"
#include "efi_env.h"
#include "lib/error.h"
#include "lib/util.h"

#define MENU_FIRST_ROW 2 /* entries start below the title and a blank line */
#define ATTR_NORMAL    EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK)
#define ATTR_SELECTED  EFI_TEXT_ATTR(EFI_BLACK, EFI_LIGHTGRAY)
#define ATTR_MESSAGE   EFI_TEXT_ATTR(EFI_YELLOW, EFI_BLACK)

typedef struct layout {
    UINTN columns;
    size_t visible; /* entries shown at once */
    size_t first;   /* first entry shown */
} layout;

/* Prints s clipped to width columns (counting code points), padded. */
static void put_clipped(const char *s, size_t width) {
    size_t bytes = 0, cols = 0;
    while (s[bytes] && cols < width) {
        bytes++;
        while ((s[bytes] & 0xc0) == 0x80)
            bytes++;
        cols++;
    }
    con_write(s, bytes);
    for (; cols < width; cols++)
        con_write(" ", 1);
}

static void draw_entry(const menu *m, const layout *l, size_t i) {
    if (i < l->first || i >= l->first + l->visible)
        return;
    bool sel = i == m->selected;
    con_set_cursor(0, MENU_FIRST_ROW + (i - l->first));
    con_set_attr(sel ? ATTR_SELECTED : ATTR_NORMAL);
    con_write(sel ? "> " : "  ", 2);
    put_clipped(m->titles[i], l->columns > 4 ? l->columns - 4 : 1);
    con_set_attr(ATTR_NORMAL);
}

static void draw_entries(const menu *m, const layout *l) {
    for (size_t i = l->first; i < l->first + l->visible; i++)
        draw_entry(m, l, i);
}

static void draw_status(const layout *l, unsigned remaining) {
    char line[160];
    con_set_cursor(0, MENU_FIRST_ROW + l->visible + 1);
    if (remaining)
        vb_format(line, sizeof(line), "Booting the selected entry in %u s. ", remaining);
    else
        line[0] = '\0';
    size_t n = vb_strlen(line);
    vb_format(line + n, sizeof(line) - n, "Up/Down: select, Enter: boot, Esc: exit.");
    put_clipped(line, l->columns > 1 ? l->columns - 1 : 1);
}

static void draw_all(const menu *m, const layout *l, unsigned remaining) {
    con_set_attr(ATTR_NORMAL);
    con_clear();
    con_set_cursor(0, 0);
    con_printf("vmdkboot %s", VMDKBOOT_VERSION);
    draw_entries(m, l);
    draw_status(l, remaining);
    if (m->message) {
        con_set_cursor(0, MENU_FIRST_ROW + l->visible + 3);
        con_set_attr(ATTR_MESSAGE);
        con_printf("%s", m->message);
        con_set_attr(ATTR_NORMAL);
    }
}

/* Scrolls so the selection is visible; true if the window moved. */
static bool scroll_to(layout *l, size_t selected) {
    size_t first = l->first;
    if (selected < l->first)
        l->first = selected;
    else if (selected >= l->first + l->visible)
        l->first = selected - l->visible + 1;
    return first != l->first;
}

/* Waits for a key or, when timer is set, for the timer. Returns 1 for a
 * key (in *key), 0 for a timer tick, -1 if the firmware cannot wait. */
static int wait_input(EFI_EVENT timer, EFI_INPUT_KEY *key) {
    SIMPLE_INPUT_INTERFACE *in = efi_st->ConIn;
    for (;;) {
        if (!EFI_ERROR(in->ReadKeyStroke(in, key)))
            return 1;
        EFI_EVENT events[2] = {in->WaitForKey, timer};
        UINTN index;
        if (EFI_ERROR(efi_bs->WaitForEvent(timer ? 2 : 1, events, &index)))
            return -1;
        if (index == 1)
            return 0;
    }
}

menu_action menu_run(menu *m) {
    UINTN rows;
    if (m->selected >= m->count)
        m->selected = 0;
    if (!efi_st->ConIn)
        return MENU_BOOT; /* no keyboard at all: boot the default */
    layout l = {0};
    con_size(&l.columns, &rows);
    size_t room = rows > MENU_FIRST_ROW + 6 ? rows - (MENU_FIRST_ROW + 6) : 1;
    l.visible = VB_MIN(m->count, room);
    scroll_to(&l, m->selected);

    unsigned remaining = m->timeout;
    EFI_EVENT timer = NULL;
    if (remaining &&
        (EFI_ERROR(efi_bs->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer)) ||
         EFI_ERROR(efi_bs->SetTimer(timer, TimerPeriodic, 10000000 /* 1 s in 100 ns */)))) {
        timer = NULL; /* no timer: no countdown, just wait for a key */
        remaining = 0;
    }
    con_cursor_visible(FALSE);
    draw_all(m, &l, remaining);

    menu_action action = MENU_BOOT;
    for (;;) {
        EFI_INPUT_KEY key;
        int got = wait_input(remaining ? timer : NULL, &key);
        if (got < 0)
            break; /* cannot wait: boot the selection rather than hang */
        if (got == 0) {
            if (--remaining == 0)
                break;
            draw_status(&l, remaining);
            continue;
        }
        if (remaining) { /* the first key press stops the countdown */
            remaining = 0;
            draw_status(&l, 0);
        }
        size_t old = m->selected;
        if (key.ScanCode == SCAN_UP && m->selected > 0)
            m->selected--;
        else if (key.ScanCode == SCAN_DOWN && m->selected + 1 < m->count)
            m->selected++;
        else if (key.ScanCode == SCAN_HOME)
            m->selected = 0;
        else if (key.ScanCode == SCAN_END)
            m->selected = m->count - 1;
        else if (key.ScanCode == SCAN_ESC) {
            action = MENU_EXIT;
            break;
        } else if (key.UnicodeChar == CHAR_CARRIAGE_RETURN || key.UnicodeChar == CHAR_LINEFEED)
            break;
        if (old != m->selected) {
            if (scroll_to(&l, m->selected)) {
                draw_entries(m, &l);
            } else {
                draw_entry(m, &l, old);
                draw_entry(m, &l, m->selected);
            }
        }
    }
    if (timer)
        efi_bs->CloseEvent(timer);
    con_set_attr(ATTR_NORMAL);
    con_clear();
    con_cursor_visible(TRUE);
    return action;
}
