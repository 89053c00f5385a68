/* efi_time_aa64.c: AArch64 timing from the generic timer's virtual counter
 * (CNTVCT_EL0), whose rate the firmware has written into CNTFRQ_EL0 (see
 * efi_time.h; efi_time_x64.c is the x86_64 twin). No calibration needed. */
#include "efi_time.h"

static uint64_t start_count;

static uint64_t counter(void) {
    uint64_t v;
    /* The barrier keeps the read from being hoisted above earlier work. */
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static uint64_t counter_hz(void) {
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void time_start(void) {
    start_count = counter();
}

uint64_t time_elapsed_ms(void) {
    uint64_t ticks = counter() - start_count;
    uint64_t per_ms = counter_hz() / 1000;
    return per_ms ? ticks / per_ms : 0;
}
