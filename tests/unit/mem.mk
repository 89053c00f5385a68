# tests/unit/mem.mk: test_mem checks core/lib/mem.c, the memcpy/memmove/
# memset/memcmp that only the firmware build links (host builds use libc's).
# mem.c is compiled here with the firmware's core flags (efi/efi.mk) plus
# -fno-builtin, twice: as built for x86_64 (the rep movsb/stosb paths) and
# with __x86_64__ undefined (the portable byte loops AArch64 builds). objcopy
# then renames the four functions (memasm_* / memc_*) so the test calls this
# code and never libc's, and the recipe fails if either object still needs
# a symbol from elsewhere (a call the compiler made to libc).
UNIT_MEM_OBJ := $(HOST_OBJ)/tests/unit/mem
UNIT_MEM_OBJS := $(UNIT_MEM_OBJ)/mem_asm.o $(UNIT_MEM_OBJ)/mem_c.o
UNIT_MEM_FUNCS := memcpy memmove memset memcmp
UNIT_MEM_FLAGS_mem_asm :=
UNIT_MEM_FLAGS_mem_c := -U__x86_64__

$(UNIT_MEM_OBJ)/%.o: core/lib/mem.c efi/efi.mk tests/unit/mem.mk | $(BUILD)/.deps-build
	$(if $(strip $(EFI_CORE_CFLAGS)),,$(error tests/unit/mem.mk: EFI_CORE_CFLAGS (efi/efi.mk) is empty))
	@mkdir -p $(@D)
	$(CC) $(EFI_CORE_CFLAGS) -fno-builtin $(UNIT_MEM_FLAGS_$*) -c $< -o $@.tmp
	objcopy $(foreach f,$(UNIT_MEM_FUNCS),--redefine-sym $(f)=$(subst mem_,mem,$*)_$(f)) $@.tmp $@
	@rm -f $@.tmp
	@undefined=$$(nm -u $@); if [ -n "$$undefined" ]; then \
	    echo "$@: core/lib/mem.c calls out:" $$undefined >&2; rm -f $@; exit 1; fi

$(BUILD)/tests/unit/test_mem: $(UNIT_MEM_OBJS)
UNIT_LDLIBS_test_mem := $(UNIT_MEM_OBJS)
