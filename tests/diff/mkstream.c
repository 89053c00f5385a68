/* mkstream: writes a VMware-layout streamOptimized VMDK from a raw image
 * (tests/unit/stream_image.c, written from the format notes), for the
 * differential tests. The raw size is rounded up to whole sectors.
 *
 * Usage: mkstream [--raw-deflate] [--pad-last] [--grain SECTORS]
 *                 [--level N] [--version V] RAW OUT.vmdk */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream_image.h"

int main(int argc, char **argv) {
    stream_spec spec;
    memset(&spec, 0, sizeof(spec));
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--raw-deflate") == 0)
            spec.raw_deflate = true;
        else if (strcmp(argv[i], "--pad-last") == 0)
            spec.pad_last_grain = true;
        else if (strcmp(argv[i], "--grain") == 0 && i + 1 < argc)
            spec.grain = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--level") == 0 && i + 1 < argc)
            spec.level = atoi(argv[++i]);
        else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc)
            spec.version = (uint32_t)strtoul(argv[++i], NULL, 0);
        else
            break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: mkstream [--raw-deflate] [--pad-last] [--grain SECTORS] "
                        "[--level N] [--version V] RAW OUT.vmdk\n");
        return 2;
    }
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
        perror(argv[i]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    spec.capacity = ((uint64_t)size + 511) / 512;
    uint8_t *raw = calloc(1, spec.capacity * 512 + 1);
    if (!raw || fread(raw, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "mkstream: cannot read %s\n", argv[i]);
        return 1;
    }
    fclose(f);
    const char *out = argv[i + 1];
    const char *slash = strrchr(out, '/');
    spec.name = slash ? slash + 1 : out;
    uint8_t *data;
    size_t len;
    stream_layout layout;
    stream_build(&spec, raw, &data, &len, &layout);
    f = fopen(out, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(out);
        return 1;
    }
    free(data);
    free(raw);
    stream_layout_free(&layout);
    return 0;
}
