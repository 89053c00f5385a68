/* efi_time.h: elapsed time since the loader started, from the CPU's counter
 * (x86_64: the TSC calibrated once against the firmware's Stall(), in
 * efi_time_x64.c; AArch64: the generic timer, in efi_time_aa64.c). Used for
 * the "loader start to StartImage" figure; never for decisions. */
#ifndef VB_EFI_TIME_H
#define VB_EFI_TIME_H

#include <stdint.h>

/* Records the start; call first thing in efi_main. */
void time_start(void);
/* Milliseconds since time_start (calibrates on first use, ~10 ms). */
uint64_t time_elapsed_ms(void);

#endif
