/* volume.c: the volume finder (see volume.h): which partition of a disk
 * holds the filesystem the loader boots from and the host tool reads.
 *
 * Trusts nothing it reads: part_read and fs_mount check the disk; this file
 * only decides which partition to try next and when to stop. */
#include "volume/volume.h"
#include "lib/util.h"

/* The disk as the finder reads it: every failed read is remembered, so a
 * failure of the disk itself can be told from one inside a filesystem. */
static int disk_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    volume *v = ctx;
    int r = vb_source_read(v->disk_inner, offset, buf, len);
    if (r < 0 && !v->disk_err)
        v->disk_err = r;
    return r;
}

static bool has_prefix(const char *s, const char *prefix) {
    size_t n = vb_strlen(prefix);
    return vb_strnlen(s, n) == n && vb_memcmp(s, prefix, n) == 0;
}

void volume_spec_parse(const char *text, volume_spec *ret_spec) {
    uint64_t index;
    ret_spec->index = 0;
    ret_spec->name = NULL;
    if (has_prefix(text, "label=")) {
        ret_spec->pick = VOLUME_PICK_LABEL;
        ret_spec->name = text + 6;
    } else if (has_prefix(text, "uuid=")) {
        ret_spec->pick = VOLUME_PICK_UUID;
        ret_spec->name = text + 5;
    } else {
        ret_spec->pick = VOLUME_PICK_INDEX;
        if (vb_parse_u64(text, vb_strlen(text), 10, &index) && index <= UINT32_MAX)
            ret_spec->index = (uint32_t)index; /* else 0: matches nothing */
    }
}

/* Opens entry (NULL: the whole disk), mounts its filesystem and, with a
 * path, looks it up. Sets entry, mounted and diag. */
static int try_volume(volume *v, const part_entry *entry, const char *path, bool open_file) {
    int r = 0;
    v->entry = entry;
    v->mounted = false;
    if (entry)
        r = part_open(entry, &v->disk, &v->slice, &v->part_src);
    else
        v->part_src = v->disk;
    if (r == 0)
        r = fs_mount(&v->fs, &v->part_src);
    if (r == 0) {
        v->mounted = true;
        v->any_mounted = true;
        if (path && open_file) {
            r = fs_lookup(&v->fs, path, &v->file, &v->file_src);
        } else if (path) {
            fs_dirent ent;
            r = fs_stat(&v->fs, path, &ent);
        }
    }
    v->diag = r < 0 ? fs_diag(&v->fs) : NULL;
    return r;
}

static const part_entry *find_named(const part_table *table, const volume_spec *spec) {
    switch (spec->pick) {
    case VOLUME_PICK_LABEL:
        return part_find_label(table, spec->name);
    case VOLUME_PICK_UUID:
        return part_find_uuid(table, spec->name);
    case VOLUME_PICK_INDEX:
        return part_find_index(table, spec->index);
    case VOLUME_PICK_AUTO:
        break;
    }
    return NULL;
}

/* The first partition whose filesystem holds path (or mounts, without a
 * path). */
static int find_first(volume *v, const char *path, bool open_file) {
    for (uint32_t i = 0; i < v->table.count; i++) {
        const part_entry *entry = &v->table.entries[i];
        v->disk_err = 0;
        int r = try_volume(v, entry, path, open_file);
        if (r == 0)
            return 0;
        if (v->disk_err || (v->mounted && r != VB_ENOTFOUND))
            return r;
        if (!v->mounted && r != VB_EFORMAT && !v->first_skipped) {
            v->first_skipped = entry;
            v->skipped.err = r;
            vb_format(v->skipped.text, sizeof(v->skipped.text), "%s", v->diag ? v->diag->text : "");
        }
    }
    v->entry = NULL;
    v->mounted = false;
    v->diag = NULL;
    return VB_ENOTFOUND;
}

int volume_find(volume *v, const vb_source *disk, const volume_spec *spec, const char *path,
                bool open_file) {
    bool named = spec && spec->pick != VOLUME_PICK_AUTO;
    v->has_table = false;
    v->whole_disk = false;
    v->entry = NULL;
    v->mounted = false;
    v->any_mounted = false;
    v->disk_err = 0;
    v->diag = NULL;
    v->first_skipped = NULL;
    vb_diag_clear(&v->skipped);
    v->disk_inner = disk;
    v->disk = (vb_source){.ctx = v, .size = disk->size, .read = disk_read};

    int r = part_read(&v->table, &v->disk, 0);
    if (r == VB_EFORMAT && !named) {
        v->whole_disk = true; /* no table: a filesystem on the whole disk */
        return try_volume(v, NULL, path, open_file);
    }
    if (r < 0) {
        v->diag = &v->table.diag;
        return r;
    }
    v->has_table = true;
    if (!named)
        return find_first(v, path, open_file);
    const part_entry *entry = find_named(&v->table, spec);
    if (!entry)
        return VB_ENOTFOUND;
    return try_volume(v, entry, path, open_file);
}
