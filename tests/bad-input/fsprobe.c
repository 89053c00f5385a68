/* fsprobe.c: the catalogue's probe of the layers above the VMDK reader:
 * opens a VMDK (as the loader does), reads its partition table, mounts FAT
 * on every partition, lists every folder and reads every file.
 *
 *   fsprobe IMAGE
 *
 * Prints the listing on stdout and exits 0, or prints the first error as
 * "fsprobe: IMAGE: ENAME: detail" on stderr and exits 1 (the format of
 * `vmdk`'s errors, so run.sh checks both the same way). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fs/fat.h"
#include "host_memory.h"
#include "host_source.h"
#include "part/part.h"
#include "vmdk/vmdk.h"

static const char *image;
static vmdk_disk disk;
static part_table table;
static fat_fs fs;
static uint8_t buf[1 << 16];

static int fail(int err, const char *detail) {
    fprintf(stderr, "fsprobe: %s: %s: %s\n", image, vb_err_name(err), detail);
    return 1;
}

static int walk(const char *path, int depth) {
    fat_dir dir;
    fat_dirent e;
    int r = fat_opendir(&fs, path, &dir);
    if (r)
        return fail(r, fs.diag.text);
    while ((r = fat_readdir(&dir, &e)) == 1) {
        char sub[2048];
        snprintf(sub, sizeof(sub), "%s/%s", path, e.name);
        if (e.is_dir) {
            printf("%s/\n", sub);
            if (depth < 8 && walk(sub, depth + 1))
                return 1;
            continue;
        }
        fat_file file;
        vb_source src;
        r = fat_lookup(&fs, sub, &file, &src);
        if (r)
            return fail(r, fs.diag.text);
        for (uint64_t off = 0; off < src.size;) {
            size_t n = src.size - off < sizeof(buf) ? (size_t)(src.size - off) : sizeof(buf);
            r = vb_source_read(&src, off, buf, n);
            if (r)
                return fail(r, fs.diag.text);
            off += n;
        }
        printf("%s %llu\n", sub, (unsigned long long)src.size);
    }
    return r < 0 ? fail(r, fs.diag.text) : 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fsprobe IMAGE\n");
        return 2;
    }
    image = argv[1];
    vb_source top;
    int r = host_source_open(image, &top);
    if (r)
        return fail(r, "cannot open");
    host_opener folder;
    vb_opener opener;
    host_opener_init(&folder, image, &opener);
    vmdk_open_options options = {.allow_escape = false, .ignore_cid = false};
    host_allocator_init(&options.memory); /* streamOptimized buffers */
    r = vmdk_open(&disk, &top, host_basename(image), &opener, &options);
    if (r)
        return fail(r, vmdk_detail(&disk));
    vb_source ds;
    vmdk_disk_source(&disk, &ds);
    r = part_read(&table, &ds, 0);
    if (r)
        return fail(r, table.diag.text);
    printf("%s: %u partitions%s\n", part_scheme_name(table.scheme), table.count,
           table.gpt_used_backup ? " (backup GPT)" : "");
    for (uint32_t i = 0; i < table.count; i++) {
        vb_slice slice;
        vb_source ps;
        r = part_open(&table.entries[i], &ds, &slice, &ps);
        if (r)
            return fail(r, "cannot open partition");
        r = fat_mount(&fs, &ps);
        if (r)
            return fail(r, fs.diag.text);
        printf("partition %u: %s\n", table.entries[i].index, fat_type_name(fs.type));
        if (walk("", 0))
            return 1;
    }
    vmdk_close(&disk);
    host_source_close(&top);
    return 0;
}
