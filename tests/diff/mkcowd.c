/* mkcowd.c: writes a COWD (ESXi vmfsSparse) extent from a raw image, for
 * the differential tests: qemu reads COWD, so it is a second reader.
 * Built on tests/unit/vmdk_image.c (written from the format notes).
 *
 *   mkcowd RAW GRAIN_SECTORS OUT.cowd
 *
 * Grains that are all zero are left unallocated; the others are stored
 * even-numbered first, then odd-numbered, so neighbours are not contiguous
 * in the file. The raw size must be a multiple of 512. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmdk_image.h"

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: mkcowd RAW GRAIN_SECTORS OUT\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size <= 0 || size % 512) {
        fprintf(stderr, "%s: size must be a positive multiple of 512\n", argv[1]);
        return 1;
    }
    uint64_t grain = strtoull(argv[2], NULL, 0);
    uint64_t capacity = (uint64_t)size / 512;
    uint64_t grains = (capacity + grain - 1) / grain;
    uint8_t *raw = calloc(1, grains * grain * 512);
    if (!raw || fread(raw, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: read failed\n", argv[1]);
        return 1;
    }
    fclose(f);
    sparse_spec spec = {IMG_COWD, capacity, grain, 0, 0, 0, false, NULL, 0};
    sparse_builder b;
    sb_init(&b, &spec);
    for (int parity = 0; parity < 2; parity++)
        for (uint64_t g = (uint64_t)parity; g < grains; g += 2)
            if (!all_zero(raw + g * grain * 512, grain * 512))
                sb_put(&b, g, raw + g * grain * 512);
    size_t img_size;
    uint8_t *img = sb_finish_file(&b, &img_size);
    FILE *out = fopen(argv[3], "wb");
    if (!out || fwrite(img, 1, img_size, out) != img_size || fclose(out) != 0) {
        perror(argv[3]);
        return 1;
    }
    free(img);
    free(raw);
    return 0;
}
