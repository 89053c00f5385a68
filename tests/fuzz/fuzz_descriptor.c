/* fuzz_descriptor.c: libFuzzer harness of the text descriptor parser alone
 * (vmdk_descriptor_parse), then of vmdk_open on the same text as a
 * separate descriptor file whose every extent and parent name opens to
 * a small fixed file (so flat extents, paths and chains get exercised
 * without the fuzzer having to build sparse files).
 *
 * Invariants: every extent parsed has a file name and a known type; the
 * string pool stays within bounds; sources handed out are all closed and
 * memory lent is given back. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_util.h"
#include "vmdk/vmdk_internal.h"

static vmdk_disk disk;
static uint8_t flat_file[64 * 1024];

typedef struct any_opener {
    unsigned long opens, closes;
    vb_memsource mem;
} any_opener;

/* Every name opens: "*.vmdk" names get the descriptor itself (so parents
 * and loops are reachable), others the zero-filled flat file. */
static const uint8_t *desc_data;
static size_t desc_size;

/* True when path is absolute or has a ".." component: only allow_escape
 * lets those through, and this harness never sets it. */
static bool escapes(const char *path) {
    if (path[0] == '/' || path[0] == '\\' ||
        (((path[0] | 0x20) >= 'a' && (path[0] | 0x20) <= 'z') && path[1] == ':'))
        return true;
    for (const char *c = path; *c;) {
        size_t n = strcspn(c, "/\\");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return true;
        c += n;
        if (*c)
            c++;
    }
    return false;
}

static int any_open(void *ctx, const char *path, vb_source *ret_source) {
    any_opener *o = ctx;
    size_t n = strlen(path);
    FUZZ_ASSERT(n > 0 && n < VB_PATH_MAX);
    FUZZ_ASSERT(!escapes(path));
    if (n >= 5 && strcmp(path + n - 5, ".vmdk") == 0)
        vb_memsource_init(&o->mem, desc_data, desc_size, ret_source);
    else if (n >= 4 && strcmp(path + n - 4, ".bad") == 0)
        return VB_EIO;
    else
        vb_memsource_init(&o->mem, flat_file, sizeof(flat_file), ret_source);
    o->opens++;
    return 0;
}

static void any_close(void *ctx, vb_source *source) {
    any_opener *o = ctx;
    (void)source;
    o->closes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* The parser alone. */
    memset(&disk.diag, 0, sizeof(disk.diag));
    disk.extent_count = 0;
    disk.strings_used = 0;
    int r = vmdk_descriptor_parse(&disk, 0, (const char *)data, size, "fuzz.vmdk");
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(disk.strings_used <= sizeof(disk.strings));
    FUZZ_ASSERT(disk.extent_count <= VB_EXTENTS_MAX);
    if (r == 0) {
        const vmdk_link *link = &disk.links[0];
        FUZZ_ASSERT(link->extent_count > 0 && link->extent_count == disk.extent_count);
        FUZZ_ASSERT(link->create_type != NULL);
        for (unsigned i = 0; i < disk.extent_count; i++) {
            const vmdk_extent *e = &disk.extents[i];
            FUZZ_ASSERT(e->file_name != NULL);
            FUZZ_ASSERT(e->type == VMDK_EXTENT_ZERO || e->file_name[0] != '\0');
            FUZZ_ASSERT(e->type <= VMDK_EXTENT_VMFSRAW && e->access <= VMDK_ACCESS_NOACCESS);
        }
        FUZZ_ASSERT(link->ddb_count <= VB_DDB_MAX);
        for (unsigned i = 0; i < link->ddb_count; i++)
            FUZZ_ASSERT(link->ddb[i].key && link->ddb[i].value);
    } else {
        FUZZ_ASSERT(disk.diag.err == r);
    }

    /* The same text as the top-level descriptor file of a disk. */
    desc_data = data;
    desc_size = size;
    any_opener o;
    memset(&o, 0, sizeof(o));
    vb_opener opener = {.ctx = &o, .open = any_open, .close = any_close};
    vb_memsource topmem;
    vb_source top;
    vb_memsource_init(&topmem, data, size, &top);
    vmdk_open_options opts = {false, false};
    fuzz_allocator_init(&opts.memory);
    r = vmdk_open(&disk, &top, "dir/disk.vmdk", &opener, &opts);
    FUZZ_ASSERT(r <= 0);
    if (r == 0) {
        uint8_t b[1024];
        uint64_t cap = vmdk_capacity(&disk);
        if (cap > 0) {
            (void)vmdk_read(&disk, 0, b, cap < sizeof(b) ? (size_t)cap : sizeof(b));
            (void)vmdk_read(&disk, cap - 1, b, 1);
            vmdk_run run;
            (void)vmdk_map(&disk, cap / 2 / 512 * 512, &run);
        }
        (void)vmdk_check(&disk, NULL, NULL);
    }
    vmdk_close(&disk);
    FUZZ_ASSERT(o.opens == o.closes);
    FUZZ_ASSERT(fuzz_allocations_outstanding == 0);
    return 0;
}
