/* image_files.h: the real disk images the mkimages-*.sh scripts build for
 * the unit tests: where they are and loading a file into memory. */
#ifndef VB_TEST_IMAGE_FILES_H
#define VB_TEST_IMAGE_FILES_H

#include <stddef.h>
#include <stdint.h>

/* Path of name in the folder the environment variable env names (set by
 * the unit-test makefiles), else in def (the same folder, run from the top
 * of the tree). A static buffer: one path at a time. */
const char *image_files_path(const char *env, const char *def, const char *name);

#define PARTFS_IMAGE(name) image_files_path("VB_PARTFS_IMAGES", "build/tests/images/partfs", name)
#define EXT4_IMAGE(name)   image_files_path("VB_EXT4_IMAGES", "build/tests/images/ext4", name)
#define DISCOVER_IMAGE(name)                                                                       \
    image_files_path("VB_DISCOVER_IMAGES", "build/tests/images/discover", name)

/* Reads a whole file into a malloc'd buffer; exits 2 if it cannot. */
uint8_t *image_files_load(const char *path, size_t *ret_size);

#endif
