/* images.h: drop-in images: every *.vmdk in the images folders on the
 * loader's volume (the `images` keys, else \images), looked into by core's
 * discovery (core/discover), and turned into menu entries that boot like
 * configured ones. */
#ifndef VB_IMAGES_LOAD_H
#define VB_IMAGES_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include "cfg/cfg.h"

/* Most automatic entries the menu takes, over all images. */
#define IMAGES_AUTO_MAX 64

/* Scans the images folders of cfg and appends a pointer to each automatic
 * entry to items (count already used, cap in all), per image in file-name
 * order. Prints one line per entry found ("vmdkboot: ID: TITLE") and per
 * problem (an image that does not open, a broken entry file or UKI); the
 * problems also go to notes (cap_notes bytes, *used so far). Returns the
 * new count. */
uint32_t images_scan(const cfg_config *cfg, const cfg_entry **items, uint32_t count, uint32_t cap,
                     char *notes, size_t cap_notes, size_t *used);

#endif
