/* ramdisk.c: the virtual disk copied into reserved memory and registered as
 * a UEFI RAM disk (see ramdisk.h). The VMDK's bytes are checked by core as
 * they are read; the sizes here come from its capacity, which is hostile
 * (any 64-bit value), so every size is computed with overflow checks before
 * the firmware is asked for memory. */
#include "ramdisk.h"
#include "efi_con.h"
#include "efi_env.h"
#include "efi_status.h"
#include "efi_time.h"
#include "lib/error.h"
#include "lib/util.h"

#define RAMDISK_ALIGN     (2u * 1024u * 1024u) /* as EDK2's own boot manager aligns them */
#define RAMDISK_CHUNK     (8u * 1024u * 1024u) /* bytes per vmdk_read of a data run */
#define RAMDISK_MIB_SHIFT 20

static EFI_GUID ramdisk_protocol_guid = EFI_RAM_DISK_PROTOCOL_GUID;
static EFI_GUID ramdisk_virtual_disk_guid = EFI_VIRTUAL_DISK_GUID;

static uint64_t ramdisk_mib(uint64_t bytes) {
    return (bytes >> RAMDISK_MIB_SHIFT) + ((bytes & ((1u << RAMDISK_MIB_SHIFT) - 1)) != 0);
}

/* Zeroes n bytes at p (8-byte aligned: runs start at sector multiples of a
 * 2 MiB aligned base). Most of a disk is holes, and under QEMU's TCG a rep
 * stos costs one translated-block run per element: eight 8-byte stores per
 * loop turn are several times faster than rep stosq, itself ~8 times faster
 * than the byte-wise rep stosb of core's memset. */
static void ramdisk_zero(uint8_t *p, uint64_t n) {
#if defined(__x86_64__)
    uint64_t blocks = n / 64;
    if (blocks)
        __asm__ volatile("1:\n\t"
                         "movq %%rax, 0(%0)\n\t"
                         "movq %%rax, 8(%0)\n\t"
                         "movq %%rax, 16(%0)\n\t"
                         "movq %%rax, 24(%0)\n\t"
                         "movq %%rax, 32(%0)\n\t"
                         "movq %%rax, 40(%0)\n\t"
                         "movq %%rax, 48(%0)\n\t"
                         "movq %%rax, 56(%0)\n\t"
                         "addq $64, %0\n\t"
                         "decq %1\n\t"
                         "jnz 1b"
                         : "+r"(p), "+r"(blocks)
                         : "a"((uint64_t)0)
                         : "memory", "cc");
    vb_memset(p, 0, (size_t)(n % 64));
#else
    vb_memset(p, 0, (size_t)n);
#endif
}

/* Allocates capacity bytes of reserved pages, 2 MiB aligned: asks for
 * 2 MiB - 4 KiB more, then frees the pages before the aligned start and
 * after the end, so one allocation (one descriptor) remains. */
static int ramdisk_alloc(ramdisk *rd, uint64_t capacity) {
    const uint64_t slack = RAMDISK_ALIGN / EFI_PAGE_SIZE - 1;
    uint64_t rounded, pages, total;
    if (capacity == 0 || vb_add_overflow_u64(capacity, EFI_PAGE_SIZE - 1, &rounded))
        return VB_ELIMIT;
    pages = rounded / EFI_PAGE_SIZE;
    if (vb_add_overflow_u64(pages, slack, &total) || total > (uint64_t)(UINTN)-1 / EFI_PAGE_SIZE)
        return VB_ELIMIT;
    EFI_PHYSICAL_ADDRESS addr = 0;
    EFI_STATUS s = efi_bs->AllocatePages(AllocateAnyPages, EfiReservedMemoryType, total, &addr);
    if (EFI_ERROR(s)) {
        rd->status = s;
        return VB_ELIMIT;
    }
    uint64_t head = (RAMDISK_ALIGN - addr % RAMDISK_ALIGN) % RAMDISK_ALIGN / EFI_PAGE_SIZE;
    uint64_t tail = total - head - pages;
    if (head)
        efi_bs->FreePages(addr, head);
    if (tail)
        efi_bs->FreePages(addr + (head + pages) * EFI_PAGE_SIZE, tail);
    rd->base = (uint8_t *)(uintptr_t)(addr + head * EFI_PAGE_SIZE);
    rd->pages = pages;
    rd->size = capacity;
    /* Past the capacity, up to the page end: not part of the disk, zeroed. */
    ramdisk_zero(rd->base + capacity, pages * EFI_PAGE_SIZE - capacity);
    return 0;
}

/* The loader's progress line (as for big files), every 10 % and at the end. */
static void ramdisk_progress(const char *name, uint64_t done, uint64_t total, unsigned *shown) {
    unsigned pct = (unsigned)(done * 100 / total); /* total < 2^52: it was allocated */
    if (pct / 10 == *shown / 10 && !(pct == 100 && *shown != 100))
        return;
    con_printf("\rLoading %s into memory (%lu MiB): %u%%", name, (unsigned long)ramdisk_mib(total),
               pct);
    *shown = pct;
}

/* Fills rd->base with the whole disk: zero and hole runs zeroed, never
 * read; data (and NOACCESS, which then fails with the disk's detail) by
 * vmdk_read, straight into place. */
static int ramdisk_fill(vmdk_disk *disk, const char *name, ramdisk *rd) {
    unsigned shown = 0;
    int r;
    con_printf("\rLoading %s into memory (%lu MiB): 0%%", name,
               (unsigned long)ramdisk_mib(rd->size));
    for (uint64_t off = 0; off < rd->size;) {
        vmdk_run run;
        r = vmdk_map(disk, off, &run);
        if (r < 0)
            goto fail;
        /* A run is never empty and never passes the capacity; a map that
         * says otherwise is not trusted. */
        if (run.offset != off || run.length == 0 || run.length > rd->size - off) {
            r = VB_ECORRUPT;
            goto fail;
        }
        uint64_t end = off + run.length;
        if (run.kind == VMDK_RUN_ZERO || run.kind == VMDK_RUN_HOLE) {
            ramdisk_zero(rd->base + off, run.length);
            off = end;
        }
        while (off < end) {
            size_t n = (size_t)VB_MIN(end - off, (uint64_t)RAMDISK_CHUNK);
            uint64_t t = time_elapsed_ms();
            if ((r = vmdk_read(disk, off, rd->base + off, n)) < 0)
                goto fail;
            rd->read_ms += time_elapsed_ms() - t;
            rd->data_bytes += n;
            off += n;
            ramdisk_progress(name, off, rd->size, &shown);
        }
        ramdisk_progress(name, off, rd->size, &shown);
    }
    con_printf("\n");
    return 0;
fail:
    con_printf("\n");
    return r;
}

int ramdisk_create(vmdk_disk *disk, EFI_DEVICE_PATH *parent, const char *name, ramdisk *rd) {
    *rd = (ramdisk){0};
    int r;
    EFI_STATUS s = efi_bs->LocateProtocol(&ramdisk_protocol_guid, NULL, (void **)&rd->proto);
    if (EFI_ERROR(s)) {
        rd->stage = RAMDISK_PROTOCOL;
        rd->status = s;
        return efi_status_to_vb(s);
    }
    uint64_t capacity = vmdk_capacity(disk);
    rd->size = capacity; /* for the message, should the allocation fail */
    if ((r = ramdisk_alloc(rd, capacity)) < 0) {
        rd->stage = RAMDISK_MEMORY;
        return r;
    }
    uint64_t start = time_elapsed_ms();
    if ((r = ramdisk_fill(disk, name, rd)) < 0) {
        rd->stage = RAMDISK_READ;
        ramdisk_release(rd);
        return r;
    }
    rd->fill_ms = time_elapsed_ms() - start;
    s = rd->proto->Register((UINT64)(uintptr_t)rd->base, rd->size, &ramdisk_virtual_disk_guid,
                            parent, &rd->path);
    if (EFI_ERROR(s)) {
        rd->path = NULL;
        rd->stage = RAMDISK_REGISTER;
        rd->status = s;
        ramdisk_release(rd);
        return efi_status_to_vb(s);
    }
    rd->stage = RAMDISK_DONE;
    con_printf("ramdisk: %lu MiB in %lu ms (%lu MiB of data read in %lu ms, the rest zero)\n",
               (unsigned long)ramdisk_mib(rd->size), (unsigned long)rd->fill_ms,
               (unsigned long)ramdisk_mib(rd->data_bytes), (unsigned long)rd->read_ms);
    return 0;
}

const char *ramdisk_problem(const ramdisk *rd) {
    static char text[128];
    switch (rd->stage) {
    case RAMDISK_PROTOCOL:
        vb_format(text, sizeof(text), "the firmware has no RAM disk protocol (%s)",
                  efi_status_name(rd->status));
        break;
    case RAMDISK_MEMORY:
        vb_format(text, sizeof(text), "needs %lu MiB, the firmware could not allocate it",
                  (unsigned long)ramdisk_mib(rd->size));
        break;
    case RAMDISK_REGISTER:
        vb_format(text, sizeof(text), "the firmware refused to register it: %s",
                  efi_status_name(rd->status));
        break;
    default:
        text[0] = '\0';
        break;
    }
    return text;
}

void ramdisk_release(ramdisk *rd) {
    if (rd->path && rd->proto)
        rd->proto->Unregister(rd->path);
    rd->path = NULL;
    if (rd->base)
        efi_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)rd->base, rd->pages);
    rd->base = NULL;
    rd->pages = 0;
}
