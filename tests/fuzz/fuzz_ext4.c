/* fuzz_ext4.c: libFuzzer harness of the ext2/3/4 reader: mount, list every
 * directory (recursively, bounded), stat/lstat every entry, look up and
 * read every regular file listed plus some fixed paths (symlinks, "..",
 * trailing slashes) in odd chunk sizes; and the same volume through the
 * fs dispatch (fs_mount).
 *
 * The input is the start of the volume; the volume is presented at the size
 * its superblock claims (zeros past the input, at most 64 MiB) and again at
 * exactly the input size, so a few-KB seed stands for a larger filesystem.
 *
 * Invariants: a file source has the size of its inode; reads within it
 * succeed or fail cleanly, reads past it are VB_ERANGE; names and symlink
 * targets are NUL-terminated within their buffers; a mounted volume fits
 * its source. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fs/ext4.h"
#include "fs/fs.h"
#include "fuzz_util.h"
#include "lib/util.h"

#define MAX_VOLUME  (64u << 20)
#define MAX_ENTRIES 400
#define MAX_DEPTH   4
#define READ_BUDGET (1u << 20)
#define PATH_BYTES  1024

static ext4_fs fs;
static fs_volume vol;
static uint8_t buf[70000];

static void read_file(fuzz_walk *st, const char *path) {
    ext4_file file;
    vb_source src;
    int r = ext4_lookup(&fs, path, &file, &src);
    FUZZ_ASSERT(r <= 0);
    if (r)
        return;
    FUZZ_ASSERT(src.size == file.size);
    uint64_t off = 0;
    if (src.size > st->budget && st->budget > 0) /* jump somewhere in a big file */
        off = fuzz_rng_below(&st->rng, src.size - st->budget + 1);
    fuzz_walk_read(st, &src, off, buf, sizeof(buf));
}

static void walk(fuzz_walk *st, const char *path, unsigned depth) {
    static ext4_dir dirs[MAX_DEPTH + 1];
    ext4_dir *dir = &dirs[depth];
    int r = ext4_opendir(&fs, path, dir);
    FUZZ_ASSERT(r <= 0);
    if (r)
        return;
    ext4_dirent e;
    while (st->entries < MAX_ENTRIES && (r = ext4_readdir(dir, &e)) == 1) {
        st->entries++;
        FUZZ_ASSERT(memchr(e.name, 0, sizeof(e.name)) != NULL);
        FUZZ_ASSERT(e.name[0] != '\0');
        char sub[PATH_BYTES];
        int n = snprintf(sub, sizeof(sub), "%s/%s", path, e.name);
        if (n < 0 || (size_t)n >= sizeof(sub))
            continue;
        ext4_dirent s;
        char target[300];
        r = ext4_lstat(&fs, sub, &s, target, sizeof(target));
        FUZZ_ASSERT(r <= 0);
        if (r == 0 && s.is_symlink)
            FUZZ_ASSERT(memchr(target, 0, sizeof(target)) != NULL);
        (void)ext4_stat(&fs, sub, &s);
        if (e.is_dir) {
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
    int r = ext4_mount(&fs, &src);
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(fs.diag.text) < VB_DETAIL_MAX);
    if (r == 0) {
        FUZZ_ASSERT(strlen(fs.label) < sizeof(fs.label));
        FUZZ_ASSERT(fs.block_size >= 1024 && fs.block_size <= 65536);
        FUZZ_ASSERT(fs.block_count << fs.block_shift <= volume_size);
        fuzz_walk st;
        fuzz_walk_init(&st, data, size, READ_BUDGET);
        walk(&st, "", 0);
        static const char *const fixed[] = {
            "boot/vmlinuz",
            "/vmlinuz",
            "initrd.img",
            "a/../b",
            "",
            "/",
            "./..//x/",
            "lost+found/../lost+found/",
            "link",
            "slow",
            "loop",
        };
        for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
            ext4_dirent s;
            r = ext4_stat(&fs, fixed[i], &s);
            FUZZ_ASSERT(r <= 0);
            read_file(&st, fixed[i]);
        }
    }
    /* The dispatch: FAT refuses (or not), then ext4 again. */
    r = fs_mount(&vol, &src);
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(fs_diag(&vol)->text) < VB_DETAIL_MAX);
    if (r == 0) {
        fs_dirent s;
        (void)fs_stat(&vol, "/boot", &s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t claimed = 0;
    if (size >= 2048) {
        uint32_t log = vb_le32(data + 1024 + 0x18);
        if (log <= 6)
            claimed = (uint64_t)vb_le32(data + 1024 + 0x04) << (10 + log);
    }
    if (claimed > size && claimed <= MAX_VOLUME)
        run_volume(data, size, claimed);
    run_volume(data, size, size);
    return 0;
}
