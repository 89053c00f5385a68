/* handover.c: LoadImage/StartImage with LoadOptions and a LoadFile2 initrd
 * (see handover.h).
 *
 * Secure Boot: the image is only ever started through the handle LoadImage
 * returned with EFI_SUCCESS. EFI_SECURITY_VIOLATION (loaded but not
 * allowed to run) is unloaded at once; EFI_ACCESS_DENIED created nothing.
 * There is no other path to running code. */
#include "handover.h"
#include "efi_env.h"
#include "lib/util.h"
#include "lib/utf8.h"

/* Command lines longer than this (in UCS-2 units, NUL included) are refused;
 * Linux x86 itself keeps 2048 bytes. */
#define HANDOVER_CMDLINE_MAX 4096

/* The watchdog the firmware would have armed for a boot option. */
#define HANDOVER_WATCHDOG_SECONDS 300

static CHAR16 cmdline[HANDOVER_CMDLINE_MAX];

/* The initrd device path: one vendor media node (type 4, subtype 3, 20
 * bytes) carrying LINUX_EFI_INITRD_MEDIA_GUID, then the end node. */
static struct __attribute__((packed)) {
    uint8_t vendor_header[4];
    EFI_GUID vendor_guid;
    uint8_t end[4];
} initrd_path = {
    {4, 3, 20, 0},
    {0x5568e427, 0x68fc, 0x4f3d, {0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68}},
    {0x7f, 0xff, 4, 0},
};
VB_STATIC_ASSERT(sizeof(initrd_path) == 24, "vendor media node + end node");

/* The LoadFile2 instance and the buffer it serves. */
static struct {
    EFI_LOAD_FILE_PROTOCOL protocol; /* LoadFile2 has LoadFile's layout */
    const void *data;
    uint64_t size;
} initrd;

/* Called by the kernel's EFI stub (Microsoft ABI: EFIAPI). First with no
 * buffer to learn the size, then with a buffer of that size. */
static EFI_STATUS EFIAPI initrd_load_file(EFI_LOAD_FILE_PROTOCOL *this, EFI_DEVICE_PATH *path,
                                          BOOLEAN boot_policy, UINTN *size, VOID *buffer) {
    (void)path;
    if (this != &initrd.protocol || !size)
        return EFI_INVALID_PARAMETER;
    if (boot_policy)
        return EFI_UNSUPPORTED;
    if (!buffer || *size < initrd.size) {
        *size = initrd.size;
        return EFI_BUFFER_TOO_SMALL;
    }
    vb_memcpy(buffer, initrd.data, initrd.size);
    *size = initrd.size;
    return EFI_SUCCESS;
}

static EFI_STATUS initrd_install(EFI_HANDLE *handle, const void *data, uint64_t size) {
    initrd.protocol.LoadFile = initrd_load_file;
    initrd.data = data;
    initrd.size = size;
    *handle = NULL;
    /* Refuses (EFI_ALREADY_STARTED) if another handle already carries the
     * initrd device path, e.g. one left behind by an earlier loader. */
    return efi_bs->InstallMultipleProtocolInterfaces(handle, &efi_guid_device_path, &initrd_path,
                                                     &efi_guid_load_file2, &initrd.protocol, NULL);
}

static void initrd_uninstall(EFI_HANDLE handle) {
    efi_bs->UninstallMultipleProtocolInterfaces(handle, &efi_guid_device_path, &initrd_path,
                                                &efi_guid_load_file2, &initrd.protocol, NULL);
    initrd.data = NULL;
    initrd.size = 0;
}

void handover_boot(const handover_request *req, void (*before_start)(void),
                   handover_result *ret_result) {
    EFI_HANDLE image = NULL, initrd_handle = NULL;
    EFI_LOADED_IMAGE *loaded;
    EFI_STATUS s;
    const char *opts = req->options ? req->options : "";

    ret_result->status = EFI_INVALID_PARAMETER;
    ret_result->stage = HANDOVER_OPTIONS;
    int units = utf8_to_ucs2(cmdline, VB_ARRAY_SIZE(cmdline), opts, vb_strlen(opts), true);
    if (units < 0)
        return;

    ret_result->stage = HANDOVER_LOAD;
    s = efi_bs->LoadImage(FALSE, efi_image, req->kernel_path, (void *)req->kernel, req->kernel_size,
                          &image);
    if (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED) {
        /* SECURITY_VIOLATION leaves a handle that must never be started. */
        if (image)
            efi_bs->UnloadImage(image);
        ret_result->stage = HANDOVER_SECURITY;
        ret_result->status = s;
        return;
    }
    ret_result->status = s;
    if (EFI_ERROR(s))
        return;

    s = efi_bs->HandleProtocol(image, &efi_guid_loaded_image, (void **)&loaded);
    if (EFI_ERROR(s)) {
        ret_result->status = s;
        goto err_image;
    }
    loaded->LoadOptions = cmdline;
    loaded->LoadOptionsSize = (UINT32)(((UINT32)units + 1) * sizeof(CHAR16));

    if (req->initrd) {
        s = initrd_install(&initrd_handle, req->initrd, req->initrd_size);
        if (EFI_ERROR(s)) {
            ret_result->stage = HANDOVER_INITRD;
            ret_result->status = s;
            goto err_image;
        }
    }

    efi_bs->SetWatchdogTimer(HANDOVER_WATCHDOG_SECONDS, 0x10000, 0, NULL);
    if (before_start)
        before_start();
    UINTN exit_size = 0;
    CHAR16 *exit_data = NULL;
    s = efi_bs->StartImage(image, &exit_size, &exit_data);
    /* Back here: the kernel failed or returned. An application that exits
     * has been unloaded by the firmware already; one that never ran has
     * not, and unloading a stale handle is refused harmlessly. */
    efi_bs->SetWatchdogTimer(0, 0, 0, NULL);
    efi_bs->UnloadImage(image);
    if (exit_data)
        efi_bs->FreePool(exit_data);
    if (initrd_handle)
        initrd_uninstall(initrd_handle);
    ret_result->stage = HANDOVER_START;
    ret_result->status = s;
    return;

err_image:
    efi_bs->UnloadImage(image);
}
