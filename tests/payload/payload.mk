# tests/payload: the nasm test payload, a PE32+ EFI application assembled by
# `nasm -f bin` (the PE header is in the source; no linker).
PAYLOAD_EFI := $(BUILD)/tests/payload/payload.efi

$(PAYLOAD_EFI): tests/payload/payload.asm | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	nasm -f bin -Werror -o $@ $<

ALL_TARGETS += $(PAYLOAD_EFI)
