/* config.h: loading \EFI\vmdkboot\vmdkboot.conf from the loader's volume
 * and printing what the parser (core/cfg) had to say about it. */
#ifndef VB_CONFIG_LOAD_H
#define VB_CONFIG_LOAD_H

#include <stddef.h>
#include "cfg/cfg.h"

#define CONFIG_PATH "\\EFI\\vmdkboot\\vmdkboot.conf"

/* Largest configuration file accepted, in bytes. */
#define CONFIG_FILE_MAX (64u * 1024u)

/* Reads and parses the configuration into *cfg and prints every
 * diagnostic with its line number. The same lines also go to notes (for
 * the menu to show; cap bytes, truncated if need be). Without a file, the
 * defaults (and one line saying so). Returns 0 when there is at least one
 * usable entry or automatic entries are on, else a negative vb_err (after
 * printing why). */
int config_load(cfg_config *cfg, char *notes, size_t cap);

#endif
