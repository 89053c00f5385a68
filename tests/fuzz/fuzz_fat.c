/* fuzz_fat.c: libFuzzer harness of the FAT12/16/32 reader: mount, list
 * every directory (recursively, bounded), look up and read every file
 * listed plus some fixed paths, in odd chunk sizes.
 *
 * The input is the start of the volume; the volume is presented at the size
 * its boot sector claims (zeros past the input, at most 64 MiB) and again at
 * exactly the input size, so a few-KB seed stands for a FAT32 volume of
 * 65525+ clusters.
 *
 * Invariants: a file source has the size of its directory entry; reads
 * within it succeed or fail cleanly, reads past it are VB_ERANGE; names are
 * NUL-terminated within their buffers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fs/fat.h"
#include "fuzz_util.h"
#include "lib/util.h"

#define MAX_VOLUME  (64u << 20)
#define MAX_ENTRIES 400
#define MAX_DEPTH   4
#define READ_BUDGET (1u << 20)
#define PATH_BYTES  1024

static fat_fs fs;
static uint8_t buf[70000];

static void read_file(fuzz_walk *st, const char *path, const fat_dirent *want) {
    fat_file file;
    vb_source src;
    int r = fat_lookup(&fs, path, &file, &src);
    FUZZ_ASSERT(r <= 0);
    if (r)
        return;
    if (want)
        FUZZ_ASSERT(!want->is_dir);
    fuzz_walk_read(st, &src, 0, buf, sizeof(buf));
}

static void walk(fuzz_walk *st, const char *path, unsigned depth) {
    fat_dir dir;
    int r = fat_opendir(&fs, path, &dir);
    FUZZ_ASSERT(r <= 0);
    if (r)
        return;
    fat_dirent e;
    while (st->entries < MAX_ENTRIES && (r = fat_readdir(&dir, &e)) == 1) {
        st->entries++;
        FUZZ_ASSERT(memchr(e.name, 0, sizeof(e.name)) != NULL);
        FUZZ_ASSERT(memchr(e.short_name, 0, sizeof(e.short_name)) != NULL);
        char sub[PATH_BYTES];
        int n = snprintf(sub, sizeof(sub), "%s/%s", path, e.name);
        if (n < 0 || (size_t)n >= sizeof(sub))
            continue;
        fat_dirent s;
        (void)fat_stat(&fs, sub, &s);
        if (e.is_dir) {
            if (depth < MAX_DEPTH)
                walk(st, sub, depth + 1);
        } else {
            read_file(st, sub, &e);
            snprintf(sub, sizeof(sub), "%s\\%s", path, e.short_name);
            (void)fat_stat(&fs, sub, &s);
        }
    }
    FUZZ_ASSERT(r <= 1);
}

static void run_volume(const uint8_t *data, size_t size, uint64_t volume_size) {
    fuzz_zsource z;
    vb_source src;
    fuzz_zsource_init(&z, data, size, volume_size, &src);
    int r = fat_mount(&fs, &src);
    FUZZ_ASSERT(r <= 0);
    FUZZ_ASSERT(strlen(fs.diag.text) < VB_DETAIL_MAX);
    if (r)
        return;
    FUZZ_ASSERT(strlen(fs.label) < sizeof(fs.label));
    fuzz_walk st;
    fuzz_walk_init(&st, data, size, READ_BUDGET);
    walk(&st, "", 0);
    static const char *const fixed[] = {
        "KERNEL", "/EFI/BOOT/BOOTX64.EFI", "boot\\vmlinuz", "./hello.txt", "a/../b", "", "/",
        "./../b"};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        fat_dirent s;
        r = fat_stat(&fs, fixed[i], &s);
        FUZZ_ASSERT(r <= 0);
        read_file(&st, fixed[i], NULL);
    }
    fat_file file;
    vb_source fsrc;
    FUZZ_ASSERT(fat_lookup(&fs, "../b", &file, &fsrc) == VB_EPATH);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t claimed = 0;
    if (size >= 36) {
        uint64_t total = vb_le16(data + 19);
        if (total == 0)
            total = vb_le32(data + 32);
        claimed = total * vb_le16(data + 11);
    }
    if (claimed > size && claimed <= MAX_VOLUME)
        run_volume(data, size, claimed);
    run_volume(data, size, size);
    return 0;
}
