/* handover.h: starting a kernel (any EFI executable) from memory with
 * LoadImage + StartImage, so the firmware's Secure Boot policy applies
 * unchanged, with the command line in LoadOptions and the initrd served
 * through EFI_LOAD_FILE2_PROTOCOL on the LINUX_EFI_INITRD_MEDIA_GUID
 * device path (the Linux 5.8+ mechanism). */
#ifndef VB_HANDOVER_H
#define VB_HANDOVER_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct handover_request {
    const void *kernel; /* the PE image; may be freed once handover_load returns */
    uint64_t kernel_size;
    EFI_DEVICE_PATH *kernel_path; /* names the file, for the firmware's policy */
    const void *initrd;           /* NULL: none; must live until handover_start returns */
    uint64_t initrd_size;
    const char *options; /* UTF-8 command line ("" for none) */
} handover_request;

/* Where a handover stopped. */
typedef enum handover_stage {
    HANDOVER_OPTIONS,  /* the command line is not valid UTF-8 or too long */
    HANDOVER_LOAD,     /* LoadImage refused the image */
    HANDOVER_SECURITY, /* LoadImage refused it: failed Secure Boot verification */
    HANDOVER_INITRD,   /* the initrd could not be published */
    HANDOVER_START,    /* StartImage failed, or the kernel returned */
} handover_stage;

typedef struct handover_result {
    handover_stage stage;
    EFI_STATUS status;
} handover_result;

/* Loads the kernel image, sets its LoadOptions, publishes the initrd, re-arms
 * the watchdog (5 minutes), calls before_start (timing line), and starts it.
 * Returns only on failure or when the kernel returns; everything it set up
 * is torn down again then (the watchdog is disabled). An image LoadImage
 * refused is never started. */
void handover_boot(const handover_request *req, void (*before_start)(void),
                   handover_result *ret_result);

#endif
