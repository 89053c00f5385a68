/* efi_con.c: console output (see efi_con.h). Trusts the firmware's ConOut. */
#include "efi_con.h"
#include <stdarg.h>
#include "efi_env.h"
#include "lib/error.h"
#include "lib/utf8.h"

/* Converts UTF-8 to UCS-2 in chunks and hands them to ConOut. */
void con_write(const char *s, size_t n) {
    CHAR16 out[129];
    if (!efi_st->ConOut)
        return; /* headless firmware: nowhere to write */
    size_t used = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || cp > 0xffff) {
            cp = 0xfffd;
            if (len == 0)
                len = 1;
        }
        i += len;
        if (cp == '\n')
            out[used++] = '\r';
        out[used++] = (CHAR16)cp;
        if (used >= 127 || i >= n) {
            out[used] = 0;
            efi_st->ConOut->OutputString(efi_st->ConOut, out);
            used = 0;
        }
    }
}

void con_printf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vb_vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    con_write(buf, n);
}

void con_set_attr(UINTN attribute) {
    if (!efi_st->ConOut)
        return;
    efi_st->ConOut->SetAttribute(efi_st->ConOut, attribute);
}

void con_clear(void) {
    if (!efi_st->ConOut)
        return;
    efi_st->ConOut->ClearScreen(efi_st->ConOut);
}

void con_set_cursor(UINTN column, UINTN row) {
    if (!efi_st->ConOut)
        return;
    efi_st->ConOut->SetCursorPosition(efi_st->ConOut, column, row);
}

void con_size(UINTN *ret_columns, UINTN *ret_rows) {
    UINTN cols = 80, rows = 25;
    SIMPLE_TEXT_OUTPUT_MODE *mode = efi_st->ConOut ? efi_st->ConOut->Mode : NULL;
    if (mode &&
        !EFI_ERROR(efi_st->ConOut->QueryMode(efi_st->ConOut, (UINTN)mode->Mode, &cols, &rows))) {
        *ret_columns = cols;
        *ret_rows = rows;
        return;
    }
    *ret_columns = 80;
    *ret_rows = 25;
}

void con_cursor_visible(BOOLEAN on) {
    if (!efi_st->ConOut)
        return;
    efi_st->ConOut->EnableCursor(efi_st->ConOut, on);
}
