/* fuzz_ext4.c: libFuzzer harness of the ext2/3/4 reader through the
 * filesystem-neutral API (core/fs.h, so the FAT-then-ext4 dispatch is
 * fuzzed too): mount, list every folder (recursively, bounded), stat and
 * read every file and symlink listed plus some fixed paths.
 *
 * The input is the start of the volume; the volume is presented at the size
 * its superblock claims (zeros past the input, at most 64 MiB) and again at
 * exactly the input size, so a few-KB seed stands for a whole filesystem.
 *
 * Invariants: a file source is as large as stat says; reads inside it
 * succeed or fail cleanly, reads past it are VB_ERANGE; names are
 * NUL-terminated within their buffers; errors are negative vb_err codes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fs.h"
#include "fuzz_util.h"
#include "util.h"

#define MAX_VOLUME  (64u << 20)
#define MAX_ENTRIES 300
#define MAX_DEPTH   5
#define READ_BUDGET (1u << 20)
#define PATH_BYTES  1024

static fs_volume vol;
static uint8_t buf[70000];

typedef struct walk_state {
    unsigned entries;
    uint64_t budget;
    fuzz_rng rng;
} walk_state;

static void read_file(walk_state *st, const char *path) {
    fs_file file;
    vb_source src;
    int r = fs_lookup(&vol, path, &file, &src);
    FUZZ_ASSERT(r <= 0 && r > -VB_ERR_COUNT);
    if (r)
        return;
    fs_dirent s;
    if (fs_stat(&vol, path, &s) == 0)
        FUZZ_ASSERT(!s.is_dir && s.size == src.size);
    uint64_t off = 0;
    while (off < src.size && st->budget > 0) {
        size_t len = 1 + (size_t)fuzz_rng_below(&st->rng, sizeof(buf));
        if (len > src.size - off)
            len = (size_t)(src.size - off);
        if (len > st->budget)
            len = (size_t)st->budget;
        r = vb_source_read(&src, off, buf, len);
        FUZZ_ASSERT(r <= 0);
        if (r)
            break;
        st->budget -= len;
        off += len;
    }
    FUZZ_ASSERT(vb_source_read(&src, src.size, buf, 1) == VB_ERANGE);
    /* A read far into a large (possibly sparse) file. */
    if (src.size > 4096 && st->budget > 4096)
        (void)vb_source_read(&src, fuzz_rng_below(&st->rng, src.size - 4096), buf, 4096);
}

static void walk(walk_state *st, const char *path, unsigned depth) {
    fs_dir dir;
    int r = fs_opendir(&vol, path, &dir);
    FUZZ_ASSERT(r <= 0);
    if (r)
        return;
    fs_dirent e;
    while (st->entries < MAX_ENTRIES && (r = fs_readdir(&dir, &e)) == 1) {
        st->entries++;
        FUZZ_ASSERT(memchr(e.name, 0, sizeof(e.name)) != NULL);
        char sub[PATH_BYTES];
        int n = snprintf(sub, sizeof(sub), "%s/%s", path, e.name);
        if (n < 0 || (size_t)n >= sizeof(sub))
            continue;
        fs_dirent s;
        r = fs_stat(&vol, sub, &s);
        FUZZ_ASSERT(r <= 0);
        if (e.is_dir && !e.is_symlink) {
            if (depth < MAX_DEPTH)
                walk(st, sub, depth + 1);
        } else {
            read_file(st, sub);
        }
    }
    FUZZ_ASSERT(r <= 1);
}

static void run_volume(const uint8_t *data, size_t size, uint64_t volume_size) {
    fuzz_zsource z;
    vb_source src;
    fuzz_zsource_init(&z, data, size, volume_size, &src);
    int r = fs_mount(&vol, &src);
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(fs_diag(&vol)->text) < VB_DETAIL_MAX);
    (void)fs_kind_name(&vol);
    if (r)
        return;
    walk_state st;
    st.entries = 0;
    st.budget = READ_BUDGET;
    fuzz_rng_init(&st.rng, data, size);
    walk(&st, "", 0);
    static const char *const fixed[] = {
        "boot/vmlinuz", "/vmlinuz", "/initrd.img", "loop1", "dirlink/d/e", "/hello.txt", "", "/.."};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        fs_dirent s;
        FUZZ_ASSERT(fs_stat(&vol, fixed[i], &s) <= 0);
        read_file(&st, fixed[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t claimed = 0;
    if (size >= 1024 + 0x1C) {
        const uint8_t *sb = data + 1024;
        uint32_t log = vb_le32(sb + 0x18);
        if (log <= 6)
            claimed = (uint64_t)vb_le32(sb + 0x04) << (10 + log);
    }
    if (claimed > size && claimed <= MAX_VOLUME)
        run_volume(data, size, claimed);
    run_volume(data, size, size);
    return 0;
}
