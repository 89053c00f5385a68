/* fuzz_pe.c: libFuzzer harness of the PE section finder
 * (core/discover/pe.c) on hostile files: the input is the file, read
 * through a memory source; the .osrel section found is read back and its
 * os-release values looked up, as discovery does with a UKI.
 *
 * Invariants: pe_find_section returns 0 or a documented error with a
 * detail; a section found lies inside the file. */
#include <stdint.h>
#include <string.h>
#include "discover/osrel.h"
#include "discover/pe.h"
#include "fuzz_util.h"
#include "lib/error.h"
#include "lib/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {".osrel", ".linux", ".cmdline", ""};
    vb_memsource mem;
    vb_source src;
    vb_memsource_init(&mem, data, size, &src);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        vb_diag diag;
        pe_section sec;
        vb_diag_clear(&diag);
        int r = pe_find_section(&src, names[i], &sec, &diag);
        FUZZ_ASSERT(r == 0 || r == VB_EFORMAT || r == VB_ETRUNCATED || r == VB_ECORRUPT ||
                    r == VB_ELIMIT || r == VB_ENOTFOUND);
        if (r < 0) {
            FUZZ_ASSERT(diag.err == r && diag.text[0] != '\0');
            continue;
        }
        FUZZ_ASSERT(sec.offset <= size && sec.size <= size - sec.offset);
        char value[64];
        osrel_get((const char *)data + sec.offset, sec.size, "PRETTY_NAME", value, sizeof(value));
    }
    return 0;
}
