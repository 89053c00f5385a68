/* start_aa64.S: the AArch64 entry point of vmdkbootaa64.efi (the x86_64
 * build uses gnu-efi's crt0 instead: gnu-efi 3.0.15's AArch64 crt0 carries a
 * hand-made PE header for `objcopy -O binary`, while this build lets objcopy
 * write the PE, as on x86_64, to get page-aligned W^X sections and .sbat).
 *
 * The firmware calls _start(image, systab) with the AAPCS64 convention (the
 * EFI convention on AArch64). It applies our R_AARCH64_RELATIVE relocations
 * with gnu-efi's _relocate(base, _DYNAMIC, image, systab), then calls
 * efi_main(image, systab) and returns its status. */
	.text
	.globl	_start
	.type	_start, %function
_start:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x0, x1, [sp, #16]
	adrp	x0, ImageBase
	add	x0, x0, #:lo12:ImageBase
	adrp	x1, _DYNAMIC
	add	x1, x1, #:lo12:_DYNAMIC
	ldp	x2, x3, [sp, #16]
	bl	_relocate
	cbnz	x0, 1f
	ldp	x0, x1, [sp, #16]
	bl	efi_main
1:	ldp	x29, x30, [sp], #32
	ret
	.size	_start, . - _start

/* A PE base-relocation block with one padding entry: firmware treats an
 * image without a relocation directory as fixed at its link address (0).
 * The relocations that matter are applied by _relocate above. */
	.section .reloc, "a"
	.balign	4
	.long	0		/* page RVA */
	.long	12		/* block size: this header and two entries */
	.short	0		/* IMAGE_REL_BASED_ABSOLUTE: padding */
	.short	0

	.section .note.GNU-stack, "", %progbits
