#include "efi_env.h"
#include "efi_con.h"
#include "efi_time.h"
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st) {
    time_start();
    efi_env_init(image, st);
    con_printf("vmdkboot %s test %d\n", VMDKBOOT_VERSION, 42);
    return EFI_SUCCESS;
}
