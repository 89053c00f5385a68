/* efi_con.h: a small console printer over ConOut (which OVMF mirrors to the
 * serial port). printf-style via core's vb_vformat; text is UTF-8 and '\n'
 * becomes "\r\n". Cheaper than linking libefi's Print. */
#ifndef VB_EFI_CON_H
#define VB_EFI_CON_H

#include <efi.h>
#include <stddef.h>

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes s[0..n) (UTF-8, invalid bytes shown as U+FFFD). */
void con_write(const char *s, size_t n);
void con_set_attr(UINTN attribute);
void con_clear(void);
void con_set_cursor(UINTN column, UINTN row);
/* Text columns and rows of the current mode (80x25 if unknown). */
void con_size(UINTN *ret_columns, UINTN *ret_rows);
void con_cursor_visible(BOOLEAN on);

#endif
