/* readdisk.c: a minimal host reader for the differential tests and the
 * read-count figures: opens a VMDK with platform/host and either writes the
 * whole disk to stdout, or prints its map one run per line.
 *
 *   readdisk [--ignore-cid] [--buffer BYTES] [--stats] IMAGE > raw
 *   readdisk [--ignore-cid] --map IMAGE
 *
 * --stats prints "bytes=N calls=N cache_loads=N" to stderr after the read:
 * platform read calls counted by platform/host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_memory.h"
#include "host_source.h"
#include "vmdk/vmdk.h"

static vmdk_disk disk;

int main(int argc, char **argv) {
    vmdk_open_options opt = {false, false};
    host_allocator_init(&opt.memory); /* streamOptimized buffers */
    size_t buffer = 1u << 20;
    bool map = false, stats = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--ignore-cid") == 0)
            opt.ignore_cid = true;
        else if (strcmp(argv[i], "--map") == 0)
            map = true;
        else if (strcmp(argv[i], "--stats") == 0)
            stats = true;
        else if (strcmp(argv[i], "--buffer") == 0 && i + 1 < argc)
            buffer = strtoull(argv[++i], NULL, 0);
        else
            break;
    }
    if (i + 1 != argc || buffer == 0) {
        fprintf(stderr, "usage: readdisk [--ignore-cid] [--buffer N] [--stats] [--map] IMAGE\n");
        return 2;
    }
    const char *path = argv[i];
    vb_source top;
    host_opener ho;
    vb_opener opener;
    int r = host_source_open(path, &top);
    if (r) {
        fprintf(stderr, "%s: %s\n", path, vb_err_name(r));
        return 1;
    }
    host_opener_init(&ho, path, &opener);
    r = vmdk_open(&disk, &top, host_basename(path), &opener, &opt);
    if (r) {
        fprintf(stderr, "%s: %s: %s\n", path, vb_err_name(r), vmdk_detail(&disk));
        host_source_close(&top);
        return 1;
    }
    uint64_t cap = vmdk_capacity(&disk);
    if (map) {
        for (uint64_t off = 0; off < cap && r == 0;) {
            vmdk_run run;
            r = vmdk_map(&disk, off, &run);
            if (r == 0) {
                static const char *const kinds[] = {"data", "zero", "hole", "noaccess"};
                printf("%llu %llu %s %u\n", (unsigned long long)run.offset,
                       (unsigned long long)run.length, kinds[run.kind], run.link);
                off += run.length;
            }
        }
    } else {
        uint8_t *buf = malloc(buffer);
        host_stats.calls = host_stats.bytes = 0;
        for (uint64_t off = 0; off < cap && r == 0;) {
            size_t n = (size_t)(cap - off < buffer ? cap - off : buffer);
            r = vmdk_read(&disk, off, buf, n);
            if (r == 0 && fwrite(buf, 1, n, stdout) != n)
                r = VB_EIO;
            off += n;
        }
        if (stats)
            fprintf(stderr, "bytes=%llu calls=%llu cache_loads=%llu\n", (unsigned long long)cap,
                    host_stats.calls, (unsigned long long)disk.cache.loads);
        free(buf);
    }
    if (r)
        fprintf(stderr, "%s: %s: %s\n", path, vb_err_name(r), vmdk_detail(&disk));
    vmdk_close(&disk);
    host_source_close(&top);
    return r ? 1 : 0;
}
