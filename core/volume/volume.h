/* volume.h: the volume finder: a disk source, an optional partition spec
 * and an optional path -> the partition and its mounted filesystem, by the
 * one rule the loader and the host tool (`vmdk ls`, `vmdk get`) share.
 *
 * The rule: a named partition (1-based index, label=NAME, uuid=PARTUUID);
 * else, when the disk has no partition table, the filesystem of the whole
 * disk; else the first partition whose filesystem holds the path.
 * Partitions without a filesystem core reads are skipped. A failure of the
 * disk itself, or one inside a filesystem other than "no such file", stops
 * the search. A filesystem that fails to mount is skipped, and its failure
 * kept (first_skipped) so the caller can name it if the path turns up
 * nowhere. Without a path: the first partition whose filesystem mounts.
 *
 * "A failure of the disk itself" is any failed read of the disk source:
 * the finder reads the disk through a wrapper (volume.disk) that records
 * the first error (disk_err), so it needs to know nothing of what the disk
 * is (a VMDK: its own vb_diag then says why).
 *
 * The caller owns everything: one volume struct holds the table, the
 * filesystem, the slice and the file; the sources made from them point into
 * it, so it must outlive them. No allocation. */
#ifndef VB_VOLUME_H
#define VB_VOLUME_H

#include <stdbool.h>
#include <stdint.h>
#include "fs/fs.h"
#include "lib/error.h"
#include "lib/source.h"
#include "part/part.h"

typedef enum volume_pick {
    VOLUME_PICK_AUTO = 0,  /* by the rule above */
    VOLUME_PICK_INDEX = 1, /* index, 1-based (0 matches nothing) */
    VOLUME_PICK_LABEL = 2, /* name = GPT partition name */
    VOLUME_PICK_UUID = 3,  /* name = PARTUUID (GPT GUID or MBR form) */
} volume_pick;

typedef struct volume_spec {
    volume_pick pick;
    uint32_t index;
    const char *name;
} volume_spec;

typedef struct volume {
    /* Results (valid after volume_find, whatever it returned). */
    bool has_table;                  /* part_read found a partition table */
    bool whole_disk;                 /* no table (auto spec): the whole disk was tried */
    const part_entry *entry;         /* the partition tried last (the one chosen on
                                        success); NULL: none, or the whole disk */
    bool mounted;                    /* fs is mounted on entry (or the whole disk) */
    bool any_mounted;                /* some filesystem mounted along the way */
    int disk_err;                    /* first failed read of the disk source, or 0 */
    const vb_diag *diag;             /* the failing layer's detail: table.diag or the
                                        filesystem's; NULL when neither failed */
    const part_entry *first_skipped; /* first partition whose filesystem failed
                                        to mount (not VB_EFORMAT), or NULL */
    vb_diag skipped;                 /* its error and detail */
    vb_source file_src;              /* with a file: the path, opened */
    /* Objects (the caller's storage; read-only for the caller). */
    part_table table; /* scheme and count for messages */
    fs_volume fs;
    fs_file file;
    vb_slice slice;
    vb_source part_src; /* what fs is mounted on */
    vb_source disk;     /* the wrapped disk source */
    const vb_source *disk_inner;
} volume;

/* Parses a partition spec as `vmdk ls IMAGE@PARTITION` and the loader's
 * `partition` key take it: "label=NAME", "uuid=PARTUUID", else a 1-based
 * decimal index (anything else gives index 0, which matches nothing).
 * name points into text. */
void volume_spec_parse(const char *text, volume_spec *ret_spec);

/* Finds the volume of disk (which must outlive v) by spec (NULL: auto) and
 * path (NULL: none). With open_file and a path, "holds the path" means
 * fs_lookup opens it as a regular file (into v->file_src); without
 * open_file, fs_stat finds it (a folder will do).
 * Returns 0, or the error of the step that failed:
 * - the table (has_table and whole_disk false; diag = table.diag): part_read's
 *   error, VB_EFORMAT included when a partition is named;
 * - the named partition does not exist (has_table, entry NULL): VB_ENOTFOUND;
 * - auto, the path on no partition (has_table, entry NULL): VB_ENOTFOUND,
 *   first_skipped/skipped name a filesystem that failed to mount;
 * - else the part_open, fs_mount or lookup error of entry (NULL with
 *   whole_disk): mounted says which, diag why, disk_err whether the disk
 *   itself failed. */
int volume_find(volume *v, const vb_source *disk, const volume_spec *spec, const char *path,
                bool open_file);

#endif
