/* images.h: the images folder rules shared by the loader and `vmdk entries
 * --esp`: which *.vmdk files are images of their own (file-name order), and
 * which are only extents or parents of another image there. (The
 * `default` glob is cfg_default_matches.) Names come from a directory
 * listing and are untrusted. */
#ifndef VB_IMAGES_H
#define VB_IMAGES_H

#include <stdbool.h>
#include <stdint.h>
#include "vb_config.h"
#include "vmdk/vmdk.h"

typedef struct images_list {
    uint32_t count;
    uint32_t dropped; /* *.vmdk names beyond VB_IMAGES_MAX or too long */
    char names[VB_IMAGES_MAX][VB_IMAGE_NAME_MAX];
    bool secondary[VB_IMAGES_MAX]; /* only an extent or a parent: not listed */
} images_list;

/* Adds name when it ends in ".vmdk" (any case), keeping names in byte
 * order. A name that is an extent by its form (NAME-sNNN.vmdk,
 * NAME-fNNN.vmdk, NAME-flat.vmdk) is added already marked secondary.
 * Returns false when the name is not a .vmdk or does not fit (dropped). */
bool images_add(images_list *list, const char *name);

/* True for the extent name forms above. */
bool images_name_is_extent(const char *name);

/* Marks secondary every name in list that the opened disk uses as an
 * extent file or as a parent link (compared without case, as FAT names). */
void images_mark_used(images_list *list, const vmdk_disk *disk);

#endif
