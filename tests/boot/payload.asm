; payload.asm: the vmdkboot test payload, a tiny x86_64 UEFI application.
;
; Built by `nasm -f bin`: this file writes its own PE32+ header, so no linker
; is involved. File offsets equal RVAs (headers, then .text at 0x1000, .data
; at 0x2000) and every address is RIP-relative, so the image needs no base
; relocations and loads anywhere. File and section alignment are both 4 KiB:
; no gaps between sections, so Authenticode signing (sbsign) is exact.
;
; What it does, in order, all on ConOut (which OVMF mirrors to serial):
;   VMDKBOOT-PAYLOAD-OK
;   cmdline: [<LoadOptions as UCS-2, up to the first NUL>]
;   cmdline-bytes: <LoadOptionsSize>
;   device: <the DeviceHandle's device path as text, or "none">
;   file: <the loaded image's FilePath as text, or "none">
;           (both through EFI_DEVICE_PATH_TO_TEXT_PROTOCOL; left out when
;           the firmware has none)
;   tpl: <the TPL it was started at, decimal: 4 is TPL_APPLICATION>
;   blockio: ... (two lines), when the load options contain "vmdkboot.blockio":
;           the Block I/O device one level up from its DeviceHandle (the
;           disk its partition is on) probed with the spec's argument
;           checks: geometry, then the low byte of each call's status (a
;           read of LBA 0 and its 0x55AA, an odd size, past the end, across
;           the end (sizes in the device's BlockSize, 512 or 4096), a wrong MediaId, a NULL buffer, a write, a flush)
;   VMDKBOOT-PAYLOAD-RETURN and a return with EFI_ABORTED, when the load
;           options start with "vmdkboot.return" (a program that gives up)
;   initrd: size=<decimal> crc32=<8 hex digits>    (via EFI_LOAD_FILE2 on the
;           LINUX_EFI_INITRD_MEDIA_GUID vendor device path, like Linux does)
;   or  initrd: none                               (no handle has that path)
;   VMDKBOOT-PAYLOAD-END
; then ResetSystem(EfiResetShutdown), which makes QEMU exit.
;
; It trusts the firmware tables; LoadOptions are copied with a length bound
; and control characters shown as '?'. Calls follow the Microsoft x64 ABI:
; 32 bytes of shadow space, rsp 16-byte aligned at every call.

bits 64
default rel
org 0

SECTION_ALIGN   equ 0x1000
FILE_ALIGN      equ 0x1000
IMAGE_BASE      equ 0x140000000

; EFI table offsets (x86_64), checked against gnu-efi's headers.
ST_CONOUT       equ 64
ST_RUNTIME      equ 88
ST_BOOT         equ 96
CONOUT_OUTPUT   equ 8
BS_RAISE_TPL    equ 24
BS_RESTORE_TPL  equ 32
BS_ALLOC_POOL   equ 64
BS_HANDLE_PROTO equ 152
BS_LOCATE_DP    equ 184
BS_LOCATE_PROTO equ 320
BS_WATCHDOG     equ 256
BS_CRC32        equ 344
RT_RESET        equ 104
BIO_MEDIA       equ 8
BIO_READ        equ 24
BIO_WRITE       equ 32
BIO_FLUSH       equ 40
MEDIA_READ_ONLY equ 7
MEDIA_BLOCK     equ 12
MEDIA_LAST      equ 24
DP_COPY_MAX     equ 1024
LI_DEVICE       equ 24
LI_FILE_PATH    equ 32
LI_OPT_SIZE     equ 48
DP_TO_TEXT_PATH equ 8
LI_OPTIONS      equ 56

EFI_BUFFER_TOO_SMALL equ 0x8000000000000005
EFI_ABORTED          equ 0x8000000000000015
TPL_HIGH_LEVEL       equ 31
EFI_LOADER_DATA      equ 2
EFI_RESET_SHUTDOWN   equ 2
MAX_CMDLINE_CHARS    equ 2047

; ---- DOS header -----------------------------------------------------------
dos_header:
    dw 'MZ'
    times 0x3c - ($ - $$) db 0
    dd pe_header

; ---- PE header --------------------------------------------------------------
pe_header:
    db 'P', 'E', 0, 0
    dw 0x8664                   ; Machine: x86_64
    dw 2                        ; NumberOfSections
    dd 0                        ; TimeDateStamp
    dd 0                        ; PointerToSymbolTable
    dd 0                        ; NumberOfSymbols
    dw optional_end - optional  ; SizeOfOptionalHeader
    dw 0x0022                   ; EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
optional:
    dw 0x020b                   ; PE32+
    db 0, 0                     ; linker version
    dd text_raw_size            ; SizeOfCode
    dd data_raw_size            ; SizeOfInitializedData
    dd 0                        ; SizeOfUninitializedData
    dd entry                    ; AddressOfEntryPoint
    dd text_start               ; BaseOfCode
    dq IMAGE_BASE               ; ImageBase
    dd SECTION_ALIGN            ; SectionAlignment
    dd FILE_ALIGN               ; FileAlignment
    dw 0, 0                     ; OS version
    dw 0, 0                     ; image version
    dw 0, 0                     ; subsystem version
    dd 0                        ; Win32VersionValue
    dd image_end                ; SizeOfImage
    dd headers_size             ; SizeOfHeaders
    dd 0                        ; CheckSum
    dw 10                       ; Subsystem: EFI application
    dw 0x0100                   ; DllCharacteristics: NX_COMPAT
    dq 0x10000, 0x10000         ; stack reserve, commit
    dq 0x10000, 0               ; heap reserve, commit
    dd 0                        ; LoaderFlags
    dd 16                       ; NumberOfRvaAndSizes
    times 16 dq 0               ; data directories: no imports, no relocations
optional_end:

section_table:
    db '.text', 0, 0, 0
    dd text_end - text_start    ; VirtualSize
    dd text_start               ; VirtualAddress
    dd text_raw_size            ; SizeOfRawData
    dd text_start               ; PointerToRawData
    dd 0, 0                     ; relocations, line numbers
    dw 0, 0
    dd 0x60000020               ; CODE | EXECUTE | READ

    db '.data', 0, 0, 0
    dd data_end - data_start
    dd data_start
    dd data_raw_size
    dd data_start
    dd 0, 0
    dw 0, 0
    dd 0xc0000040               ; INITIALIZED_DATA | READ | WRITE
section_table_end:

    times FILE_ALIGN - ($ - $$) db 0
headers_size equ FILE_ALIGN
    times SECTION_ALIGN - ($ - $$) db 0

; ---- .text --------------------------------------------------------------------
text_start:

; efi_main(ImageHandle = rcx, SystemTable = rdx)
entry:
    push rbx
    push rsi
    push rdi
    push r12
    push r13
    push r14
    push r15                    ; 7 pushes + return address: rsp is 16-aligned
    sub rsp, 64                 ; shadow space + stack arguments, stays aligned

    mov [image_handle], rcx
    mov [system_table], rdx
    mov rax, [rdx + ST_BOOT]
    mov [boot_services], rax

    ; No watchdog reset while we run: a few seconds at most anyway.
    lea rcx, [s_marker]
    call print

    ; ---- LoadOptions -------------------------------------------------------
    mov rcx, [image_handle]
    lea rdx, [guid_loaded_image]
    lea r8, [loaded_image]
    mov rax, [boot_services]
    call [rax + BS_HANDLE_PROTO]
    test rax, rax
    jnz .no_loaded_image

    mov rbx, [loaded_image]
    mov r12d, [rbx + LI_OPT_SIZE]       ; bytes
    mov rsi, [rbx + LI_OPTIONS]
    lea rdi, [cmdline_buf]
    mov rcx, r12
    shr rcx, 1                          ; UCS-2 characters
    cmp rcx, MAX_CMDLINE_CHARS
    jbe .len_ok
    mov rcx, MAX_CMDLINE_CHARS
.len_ok:
    test rsi, rsi
    jz .copy_done
.copy:
    test rcx, rcx
    jz .copy_done
    movzx eax, word [rsi]
    test eax, eax
    jz .copy_done
    cmp eax, 0x20
    jae .printable
    mov eax, '?'
.printable:
    mov [rdi], ax
    add rsi, 2
    add rdi, 2
    dec rcx
    jmp .copy
.copy_done:
    mov word [rdi], 0

    lea rcx, [s_cmdline]
    call print
    lea rcx, [cmdline_buf]
    call print
    lea rcx, [s_cmdline_end]
    call print
    mov rcx, r12
    call print_dec
    lea rcx, [s_crlf]
    call print

    ; ---- where it was loaded from ----------------------------------------------
    lea rcx, [guid_dp_to_text]
    xor edx, edx
    lea r8, [dp_to_text]
    mov rax, [boot_services]
    call [rax + BS_LOCATE_PROTO]
    test rax, rax
    jnz .where_done
    lea rcx, [s_device]
    call print
    mov rbx, [loaded_image]
    mov rcx, [rbx + LI_DEVICE]
    test rcx, rcx
    jz .device_none
    lea rdx, [guid_device_path]
    lea r8, [device_path]
    mov rax, [boot_services]
    call [rax + BS_HANDLE_PROTO]
    test rax, rax
    jnz .device_none
    mov rcx, [device_path]
    call print_path
    jmp .file
.device_none:
    lea rcx, [s_none]
    call print
.file:
    lea rcx, [s_file]
    call print
    mov rbx, [loaded_image]
    mov rcx, [rbx + LI_FILE_PATH]
    test rcx, rcx
    jz .file_none
    call print_path
    jmp .file_done
.file_none:
    lea rcx, [s_none]
    call print
.file_done:
    lea rcx, [s_crlf]
    call print
.where_done:
    ; The TPL now (RaiseTPL returns it; RestoreTPL puts it back).
    mov ecx, TPL_HIGH_LEVEL
    mov rax, [boot_services]
    call [rax + BS_RAISE_TPL]
    mov [start_tpl], rax
    mov rcx, rax
    mov rax, [boot_services]
    call [rax + BS_RESTORE_TPL]
    lea rcx, [s_tpl]
    call print
    mov rcx, [start_tpl]
    call print_dec
    lea rcx, [s_crlf]
    call print
    call blockio_probe

    ; ---- return instead of powering off? -----------------------------------------
    lea rsi, [cmdline_buf]
    lea rdi, [s_return_word]
.compare:
    movzx eax, word [rdi]
    test eax, eax
    jz .give_up
    cmp ax, [rsi]
    jne .initrd
    add rsi, 2
    add rdi, 2
    jmp .compare
.give_up:
    lea rcx, [s_returning]
    call print
    mov rax, EFI_ABORTED
    add rsp, 64
    pop r15
    pop r14
    pop r13
    pop r12
    pop rdi
    pop rsi
    pop rbx
    ret

.no_loaded_image:
    lea rcx, [s_no_loaded_image]
    call print

    ; ---- initrd through LoadFile2 -------------------------------------------
.initrd:
    lea rax, [initrd_device_path]
    mov [remaining_path], rax
    lea rcx, [guid_load_file2]
    lea rdx, [remaining_path]
    lea r8, [initrd_handle]
    mov rax, [boot_services]
    call [rax + BS_LOCATE_DP]
    test rax, rax
    jnz .no_initrd

    mov rcx, [initrd_handle]
    lea rdx, [guid_load_file2]
    lea r8, [load_file2]
    mov rax, [boot_services]
    call [rax + BS_HANDLE_PROTO]
    test rax, rax
    jnz .initrd_error_handle

    ; First call: no buffer, expect EFI_BUFFER_TOO_SMALL and the size.
    mov qword [initrd_size], 0
    mov rcx, [load_file2]
    mov rdx, [remaining_path]
    xor r8d, r8d                        ; BootPolicy = FALSE
    lea r9, [initrd_size]
    mov qword [rsp + 32], 0             ; Buffer = NULL
    call [rcx]
    mov rbx, rax
    test rax, rax
    jz .initrd_sized                    ; success with no buffer: size 0
    mov rax, EFI_BUFFER_TOO_SMALL
    cmp rbx, rax
    jne .initrd_error_load

.initrd_sized:
    cmp qword [initrd_size], 0
    je .initrd_empty

    mov ecx, EFI_LOADER_DATA
    mov rdx, [initrd_size]
    lea r8, [initrd_buffer]
    mov rax, [boot_services]
    call [rax + BS_ALLOC_POOL]
    test rax, rax
    jnz .initrd_error_alloc

    mov rcx, [load_file2]
    mov rdx, [remaining_path]
    xor r8d, r8d
    lea r9, [initrd_size]
    mov rax, [initrd_buffer]
    mov [rsp + 32], rax
    call [rcx]
    mov rbx, rax
    test rax, rax
    jnz .initrd_error_load

    mov rcx, [initrd_buffer]
    mov rdx, [initrd_size]
    lea r8, [initrd_crc]
    mov rax, [boot_services]
    call [rax + BS_CRC32]
    test rax, rax
    jnz .initrd_error_crc
    jmp .initrd_report

.initrd_empty:
    mov dword [initrd_crc], 0
.initrd_report:
    lea rcx, [s_initrd_size]
    call print
    mov rcx, [initrd_size]
    call print_dec
    lea rcx, [s_initrd_crc]
    call print
    mov ecx, [initrd_crc]
    call print_hex32
    lea rcx, [s_crlf]
    call print
    jmp .shutdown

.no_initrd:
    lea rcx, [s_initrd_none]
    call print
    jmp .shutdown
.initrd_error_handle:
    mov rbx, rax
    lea rcx, [s_err_handle]
    jmp .initrd_error
.initrd_error_alloc:
    mov rbx, rax
    lea rcx, [s_err_alloc]
    jmp .initrd_error
.initrd_error_crc:
    mov rbx, rax
    lea rcx, [s_err_crc]
    jmp .initrd_error
.initrd_error_load:
    lea rcx, [s_err_load]
.initrd_error:
    call print
    mov rcx, rbx
    shr rcx, 32
    call print_hex32
    mov ecx, ebx
    call print_hex32
    lea rcx, [s_crlf]
    call print

    ; ---- power off -----------------------------------------------------------
.shutdown:
    lea rcx, [s_end]
    call print
    mov rax, [system_table]
    mov rax, [rax + ST_RUNTIME]
    mov ecx, EFI_RESET_SHUTDOWN
    xor edx, edx
    xor r8d, r8d
    xor r9d, r9d
    call [rax + RT_RESET]
.halt:                                  ; ResetSystem does not return
    hlt
    jmp .halt

; print(rcx = NUL-terminated UCS-2 string)
print:
    sub rsp, 40
    mov rdx, rcx
    mov rax, [system_table]
    mov rcx, [rax + ST_CONOUT]
    call [rcx + CONOUT_OUTPUT]
    add rsp, 40
    ret

; blockio_probe: see the header; needs device_path (0: nothing to probe)
blockio_probe:
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 48                 ; 5 pushes + return address: aligned after this
    lea rcx, [s_blockio_word]
    call contains
    test eax, eax
    jz .done
    lea rcx, [s_blockio]
    call print
    ; The device path without its last node (the partition's HD node).
    mov rsi, [device_path]
    test rsi, rsi
    jz .fail
    xor r8d, r8d                ; start of the last node
    xor ecx, ecx
.walk:
    cmp byte [rsi + rcx], 0x7f
    je .walked
    movzx eax, word [rsi + rcx + 2]
    cmp eax, 4
    jb .fail
    mov r8, rcx
    add rcx, rax
    cmp rcx, DP_COPY_MAX - 4
    ja .fail
    jmp .walk
.walked:
    lea rdi, [dp_copy]
    mov rcx, r8
    rep movsb
    mov dword [rdi], 0x0004ff7f ; end node: 7f ff 04 00
    lea rax, [dp_copy]
    mov [dp_cursor], rax
    lea rcx, [guid_block_io]
    lea rdx, [dp_cursor]
    lea r8, [bio_handle]
    mov rax, [boot_services]
    call [rax + BS_LOCATE_DP]
    test rax, rax
    jnz .fail
    mov rcx, [bio_handle]
    lea rdx, [guid_block_io]
    lea r8, [bio]
    mov rax, [boot_services]
    call [rax + BS_HANDLE_PROTO]
    test rax, rax
    jnz .fail
    mov r12, [bio]
    mov r13, [r12 + BIO_MEDIA]
    mov r14d, [r13]             ; MediaId
    mov r15, [r13 + MEDIA_LAST]
    lea rcx, [s_bio_block]
    call print
    mov ecx, [r13 + MEDIA_BLOCK]
    call print_dec
    lea rcx, [s_bio_last]
    call print
    mov rcx, r15
    call print_dec
    lea rcx, [s_bio_ro]
    call print
    movzx ecx, byte [r13 + MEDIA_READ_ONLY]
    call print_dec
    lea rcx, [s_bio_line2]
    call print

%macro BIO_CALL 5 ; label string, slot, media id, lba, size (buffer in rbx)
    mov rcx, r12
    mov edx, %3
    mov r8, %4
    mov r9, %5
    mov [rsp + 32], rbx
    call [r12 + %2]
    mov [bio_status], rax
    lea rcx, [%1]
    call print
    movzx ecx, byte [bio_status]
    call print_dec
%endmacro
    ; Sizes in the device's own blocks (512 or 4096; sector_buf holds two).
    mov eax, [r13 + MEDIA_BLOCK]
    cmp eax, 512
    jb .fail
    cmp eax, 4096
    ja .fail
    mov [bio_block], rax
    lea rcx, [rax - 1]
    mov [bio_odd], rcx
    add rax, rax
    mov [bio_two], rax
    lea rbx, [sector_buf]
    BIO_CALL s_bio_read, BIO_READ, r14d, 0, [bio_block]
    lea rcx, [s_bio_sig]
    call print
    movzx ecx, word [sector_buf + 510]
    call print_hex32
    BIO_CALL s_bio_odd, BIO_READ, r14d, 0, [bio_odd]
    lea rax, [r15 + 1]
    BIO_CALL s_bio_past, BIO_READ, r14d, rax, [bio_block]
    BIO_CALL s_bio_across, BIO_READ, r14d, r15, [bio_two]
    lea eax, [r14 + 1]
    BIO_CALL s_bio_media, BIO_READ, eax, 0, [bio_block]
    xor ebx, ebx
    BIO_CALL s_bio_null, BIO_READ, r14d, 0, [bio_block]
    lea rbx, [sector_buf]
    BIO_CALL s_bio_write, BIO_WRITE, r14d, 0, [bio_block]
    mov rcx, r12
    call [r12 + BIO_FLUSH]
    mov [bio_status], rax
    lea rcx, [s_bio_flush]
    call print
    movzx ecx, byte [bio_status]
    call print_dec
    lea rcx, [s_crlf]
    call print
    jmp .done
.fail:
    lea rcx, [s_bio_none]
    call print
.done:
    add rsp, 48
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret

; contains(rcx = UCS-2 needle): eax = 1 when cmdline_buf contains it (leaf)
contains:
    lea r8, [cmdline_buf]
.start:
    mov r9, r8
    mov r10, rcx
.inner:
    movzx eax, word [r10]
    test eax, eax
    jz .yes
    cmp ax, [r9]
    jne .next
    add r9, 2
    add r10, 2
    jmp .inner
.next:
    cmp word [r8], 0
    je .no
    add r8, 2
    jmp .start
.yes:
    mov eax, 1
    ret
.no:
    xor eax, eax
    ret

; print_path(rcx = device path): its text (ConvertDevicePathToText, not
; display-only, no shortcuts), or "?" when the firmware gives none
print_path:
    sub rsp, 40
    xor edx, edx
    xor r8d, r8d
    mov rax, [dp_to_text]
    call [rax + DP_TO_TEXT_PATH]
    add rsp, 40
    test rax, rax
    jz .unknown
    mov rcx, rax
    jmp print
.unknown:
    lea rcx, [s_unknown]
    jmp print

; print_dec(rcx = unsigned 64-bit value)
print_dec:
    lea r9, [number_buf_end]
    mov word [r9], 0
    mov rax, rcx
    mov r10d, 10
.digit:
    xor edx, edx
    div r10
    add edx, '0'
    sub r9, 2
    mov [r9], dx
    test rax, rax
    jnz .digit
    mov rcx, r9
    jmp print

; print_hex32(ecx = value): eight lower-case hex digits
print_hex32:
    lea r9, [number_buf_end]
    mov word [r9], 0
    mov eax, ecx
    mov r10d, 8
.nibble:
    mov edx, eax
    and edx, 15
    lea r11, [hex_digits]
    movzx edx, byte [r11 + rdx]
    sub r9, 2
    mov [r9], dx
    shr eax, 4
    dec r10d
    jnz .nibble
    mov rcx, r9
    jmp print

hex_digits: db '0123456789abcdef'

s_marker:          dw __utf16__('VMDKBOOT-PAYLOAD-OK'), 13, 10, 0
s_cmdline:         dw __utf16__('cmdline: ['), 0
s_cmdline_end:     dw __utf16__(']'), 13, 10, __utf16__('cmdline-bytes: '), 0
s_no_loaded_image: dw __utf16__('cmdline: (no loaded image protocol)'), 13, 10, 0
s_initrd_none:     dw __utf16__('initrd: none'), 13, 10, 0
s_initrd_size:     dw __utf16__('initrd: size='), 0
s_initrd_crc:      dw __utf16__(' crc32='), 0
s_err_handle:      dw __utf16__('initrd: error HandleProtocol status=0x'), 0
s_err_alloc:       dw __utf16__('initrd: error AllocatePool status=0x'), 0
s_err_load:        dw __utf16__('initrd: error LoadFile status=0x'), 0
s_err_crc:         dw __utf16__('initrd: error CalculateCrc32 status=0x'), 0
s_end:             dw __utf16__('VMDKBOOT-PAYLOAD-END'), 13, 10, 0
s_crlf:            dw 13, 10, 0
s_device:          dw __utf16__('device: '), 0
s_file:            dw 13, 10, __utf16__('file: '), 0
s_none:            dw __utf16__('none'), 0
s_unknown:         dw __utf16__('?'), 0
s_return_word:     dw __utf16__('vmdkboot.return'), 0
s_tpl:             dw __utf16__('tpl: '), 0
s_blockio_word:    dw __utf16__('vmdkboot.blockio'), 0
s_blockio:         dw __utf16__('blockio: '), 0
s_bio_none:        dw __utf16__('no parent device'), 13, 10, 0
s_bio_block:       dw __utf16__('block='), 0
s_bio_last:        dw __utf16__(' last='), 0
s_bio_ro:          dw __utf16__(' readonly='), 0
s_bio_line2:       dw 13, 10, __utf16__('blockio:'), 0
s_bio_read:        dw __utf16__(' read='), 0
s_bio_sig:         dw __utf16__(' sig='), 0
s_bio_odd:         dw __utf16__(' odd-size='), 0
s_bio_past:        dw __utf16__(' past-end='), 0
s_bio_across:      dw __utf16__(' across-end='), 0
s_bio_media:       dw __utf16__(' media-changed='), 0
s_bio_null:        dw __utf16__(' null-buffer='), 0
s_bio_write:       dw __utf16__(' write='), 0
s_bio_flush:       dw __utf16__(' flush='), 0
s_returning:       dw __utf16__('VMDKBOOT-PAYLOAD-RETURN'), 13, 10, 0

align 8
; EFI_LOADED_IMAGE_PROTOCOL_GUID 5b1b31a1-9562-11d2-8e3f-00a0c969723b
guid_loaded_image: dd 0x5b1b31a1
                   dw 0x9562, 0x11d2
                   db 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b
; EFI_LOAD_FILE2_PROTOCOL_GUID 4006c0c1-fcb3-403e-996d-4a6c8724e06d
guid_load_file2:   dd 0x4006c0c1
                   dw 0xfcb3, 0x403e
                   db 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d
; EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID 8b843e20-8132-4852-90cc-551a4e4a7f1c
guid_dp_to_text:   dd 0x8b843e20
                   dw 0x8132, 0x4852
                   db 0x90, 0xcc, 0x55, 0x1a, 0x4e, 0x4a, 0x7f, 0x1c
; EFI_DEVICE_PATH_PROTOCOL_GUID 09576e91-6d3f-11d2-8e39-00a0c969723b
guid_device_path:  dd 0x09576e91
                   dw 0x6d3f, 0x11d2
                   db 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b
; EFI_BLOCK_IO_PROTOCOL_GUID 964e5b21-6459-11d2-8e39-00a0c969723b
guid_block_io:     dd 0x964e5b21
                   dw 0x6459, 0x11d2
                   db 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b
; Vendor media node with LINUX_EFI_INITRD_MEDIA_GUID
; 5568e427-68fc-4f3d-ac74-ca555231cc68, then the end node.
initrd_device_path:
                   db 4, 3                 ; MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP
                   dw 20
                   dd 0x5568e427
                   dw 0x68fc, 0x4f3d
                   db 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68
                   db 0x7f, 0xff           ; END_DEVICE_PATH
                   dw 4
text_end:
text_raw_size equ (text_end - text_start + FILE_ALIGN - 1) / FILE_ALIGN * FILE_ALIGN
    times SECTION_ALIGN - ($ - text_start) db 0

; ---- .data ------------------------------------------------------------------
data_start:
image_handle:   dq 0
system_table:   dq 0
boot_services:  dq 0
loaded_image:   dq 0
remaining_path: dq 0
initrd_handle:  dq 0
load_file2:     dq 0
initrd_size:    dq 0
initrd_buffer:  dq 0
initrd_crc:     dd 0, 0
dp_to_text:     dq 0
device_path:    dq 0
dp_cursor:      dq 0
start_tpl:      dq 0
bio_handle:     dq 0
bio:            dq 0
bio_status:     dq 0
bio_block:      dq 0
bio_odd:        dq 0
bio_two:        dq 0
align 16
sector_buf:     times 8192 db 0
dp_copy:        times DP_COPY_MAX db 0
number_buf:     times 24 dw 0
number_buf_end: dw 0
align 16
cmdline_buf:    times MAX_CMDLINE_CHARS + 1 dw 0
data_end:
data_raw_size equ (data_end - data_start + FILE_ALIGN - 1) / FILE_ALIGN * FILE_ALIGN
    times data_raw_size - (data_end - data_start) db 0
image_end_file:
image_end equ (image_end_file - $$ + SECTION_ALIGN - 1) / SECTION_ALIGN * SECTION_ALIGN
