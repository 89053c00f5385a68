/* image_files.c: see image_files.h. */
#include "image_files.h"

#include <stdio.h>
#include <stdlib.h>

const char *image_files_path(const char *env, const char *def, const char *name) {
    static char path[4096];
    const char *dir = getenv(env);
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : def, name);
    return path;
}

uint8_t *image_files_load(const char *path, size_t *ret_size) {
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
