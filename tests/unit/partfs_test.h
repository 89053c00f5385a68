/* partfs_test.h: helpers for the partition and FAT tests: where the images
 * built by mkimages-partfs.sh live, and loading files into memory. */
#ifndef VB_PARTFS_TEST_H
#define VB_PARTFS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/source.h"

/* Path of a file in the image folder (static buffer, one at a time). */
static const char *image_path(const char *name) {
    static char path[4096];
    const char *dir = getenv("VB_PARTFS_IMAGES");
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "build/tests/images/partfs", name);
    return path;
}

/* Reads a whole file into a malloc'd buffer; exits if it cannot. */
static uint8_t *load_file(const char *path, size_t *ret_size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (run `make unit-tests` to build the images)\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *ret_size = (size_t)size;
    return buf;
}

static uint8_t *load_image(const char *name, size_t *ret_size) {
    return load_file(image_path(name), ret_size);
}

#endif
