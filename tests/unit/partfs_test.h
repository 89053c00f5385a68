/* partfs_test.h: helpers for the partition and FAT tests: where the images
 * built by mkimages-partfs.sh live, and loading them into memory. */
#ifndef VB_PARTFS_TEST_H
#define VB_PARTFS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "image_files.h"
#include "lib/source.h"

/* Path of a file in the image folder (static buffer, one at a time). */
static const char *image_path(const char *name) {
    return PARTFS_IMAGE(name);
}

static uint8_t *load_image(const char *name, size_t *ret_size) {
    return image_files_load(image_path(name), ret_size);
}

#endif
