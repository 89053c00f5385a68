# tests/boot/payload.mk: the boot lab's nasm test payload, a PE32+ EFI
# application assembled by `nasm -f bin` (the PE header is in the source; no
# linker). Built by `make all`; the output path is the one the lab's scripts
# default to.
PAYLOAD_EFI := $(BUILD)/tests/payload/payload.efi

$(PAYLOAD_EFI): tests/boot/payload.asm | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	nasm -f bin -Werror -o $@ $<

ALL_TARGETS += $(PAYLOAD_EFI)
