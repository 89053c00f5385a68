/* efi_time_x64.c: x86_64 timing, the TSC calibrated against gBS->Stall (see
 * efi_time.h; efi_time_aa64.c is the AArch64 twin). */
#include "efi_time.h"
#include "efi_env.h"

static uint64_t start_tsc;
static uint64_t ticks_per_ms;

static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

void time_start(void) {
    start_tsc = rdtsc();
}

uint64_t time_elapsed_ms(void) {
    uint64_t now = rdtsc();
    if (!ticks_per_ms) {
        uint64_t t0 = rdtsc();
        efi_bs->Stall(10000);
        uint64_t t1 = rdtsc();
        ticks_per_ms = (t1 - t0) / 10;
        if (!ticks_per_ms)
            ticks_per_ms = 1;
    }
    return (now - start_tsc) / ticks_per_ms;
}
