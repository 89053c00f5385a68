/* efi_status.c: EFI_STATUS -> vb_err conversion and status names. */
#include "efi_status.h"
#include "lib/error.h"
#include "lib/util.h"

/* Indexed by the low bits of an error status (UEFI 2.10, appendix D). */
static const char *const error_names[] = {
    [1] = "load error",
    [2] = "invalid parameter",
    [3] = "unsupported",
    [4] = "bad buffer size",
    [5] = "buffer too small",
    [6] = "not ready",
    [7] = "device error",
    [8] = "write protected",
    [9] = "out of resources",
    [10] = "volume corrupted",
    [11] = "volume full",
    [12] = "no media",
    [13] = "media changed",
    [14] = "not found",
    [15] = "access denied",
    [16] = "no response",
    [17] = "no mapping",
    [18] = "timeout",
    [19] = "not started",
    [20] = "already started",
    [21] = "aborted",
    [22] = "ICMP error",
    [23] = "TFTP error",
    [24] = "protocol error",
    [25] = "incompatible version",
    [26] = "security violation",
    [27] = "CRC error",
    [28] = "end of media",
    [31] = "end of file",
    [32] = "invalid language",
    [33] = "compromised data",
    [35] = "HTTP error",
};

const char *efi_status_name(EFI_STATUS s) {
    if (s == EFI_SUCCESS)
        return "success";
    if (EFI_ERROR(s)) {
        UINTN code = s & ~EFI_ERROR_MASK;
        if (code < VB_ARRAY_SIZE(error_names) && error_names[code])
            return error_names[code];
    }
    return "unknown status";
}

int efi_status_to_vb(EFI_STATUS s) {
    if (!EFI_ERROR(s))
        return VB_OK;
    switch (s) {
    case EFI_NOT_FOUND:
        return VB_ENOTFOUND;
    case EFI_INVALID_PARAMETER:
        return VB_EINVAL;
    case EFI_UNSUPPORTED:
        return VB_EUNSUPPORTED;
    case EFI_OUT_OF_RESOURCES:
    case EFI_BUFFER_TOO_SMALL:
    case EFI_BAD_BUFFER_SIZE:
        return VB_ELIMIT;
    case EFI_VOLUME_CORRUPTED:
        return VB_ECORRUPT;
    case EFI_CRC_ERROR:
        return VB_ECHECKSUM;
    case EFI_END_OF_FILE:
    case EFI_END_OF_MEDIA:
        return VB_ETRUNCATED;
    default:
        return VB_EIO;
    }
}
