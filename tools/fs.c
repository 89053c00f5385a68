/* fs.c: `vmdk ls` and `vmdk get`: list and extract files of a FAT or
 * ext2/3/4 filesystem inside a VMDK, through the same core/ partition and
 * filesystem code (core/fs/fs.h) the loader uses, and its volume finder
 * (core/volume/volume.h). IMAGE@PARTITION picks the partition: a 1-based
 * index, label=NAME or uuid=PARTUUID (the loader's `partition` syntax);
 * without it, the partition the loader would take for PATH (the first whose
 * filesystem holds it), or the whole disk when it has no partition table. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fs/fs.h"
#include "part/part.h"
#include "volume/volume.h"
#include "vmdk_tool.h"

#define GET_CHUNK (4u * 1024u * 1024u)

/* Everything ls/get hold open, heap-allocated (the tables are large). */
typedef struct fs_ctx {
    tool_image image;
    char *image_path; /* IMAGE without @PARTITION */
    const char *spec; /* PARTITION as typed, or NULL */
    char where[4200]; /* IMAGE or IMAGE@N, for messages */
    vb_source disk;   /* the virtual disk */
    volume vol;       /* its partition table, the partition and its filesystem */
} fs_ctx;

/* Splits IMAGE@PARTITION. A path that exists as typed is all image, so file
 * names containing '@' still work. */
static int split_image(fs_ctx *c, const char *arg) {
    struct stat st;
    const char *at = strrchr(arg, '@');
    c->image_path = strdup(arg);
    if (!c->image_path)
        return -1;
    if (at && stat(arg, &st) != 0) {
        c->image_path[at - arg] = '\0';
        c->spec = at + 1;
    }
    return 0;
}

/* Why the volume finder found nothing, said the tool's way. */
static void report_not_found(fs_ctx *c, const tool_args *args, const char *path) {
    const part_table *t = &c->vol.table;
    if (c->spec) {
        tool_error(args->image, VB_ENOTFOUND,
                   "no partition '%s' in the %s table (%" PRIu32 " partitions)", c->spec,
                   part_scheme_name(t->scheme), t->count);
    } else if (!path || !c->vol.any_mounted) {
        tool_error(args->image, VB_ENOTFOUND,
                   "none of the %" PRIu32 " partitions holds a FAT or ext2/3/4 filesystem",
                   t->count);
    } else if (c->vol.first_skipped) {
        tool_error(args->image, VB_ENOTFOUND,
                   "%s: not found on any partition (%s table, %" PRIu32
                   " partitions); partition %" PRIu32 ": %s: %s",
                   path, part_scheme_name(t->scheme), t->count, c->vol.first_skipped->index,
                   vb_err_name(c->vol.skipped.err), c->vol.skipped.text);
    } else {
        tool_error(args->image, VB_ENOTFOUND,
                   "%s: not found on any partition (%s table, %" PRIu32 " partitions)", path,
                   part_scheme_name(t->scheme), t->count);
    }
}

/* Opens the image and picks the partition by core/volume's rule (the
 * loader's): IMAGE@PARTITION, else the whole disk when it has no partition
 * table, else the first partition whose filesystem holds path (with
 * open_file: as a regular file, opened into c->vol.file_src), or, without a
 * path, the first whose filesystem mounts. */
static int fs_open(fs_ctx *c, const tool_args *args, const char *path, bool open_file) {
    tool_args image_args = *args;
    if (split_image(c, args->image) < 0) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        return TOOL_EXIT_IMAGE;
    }
    image_args.image = c->image_path;
    int status = tool_image_open(&c->image, &image_args);
    if (status)
        return status;
    vmdk_disk_source(c->image.disk, &c->disk);
    snprintf(c->where, sizeof(c->where), "%s", args->image);

    volume_spec spec = {VOLUME_PICK_AUTO, 0, NULL};
    if (c->spec)
        volume_spec_parse(c->spec, &spec);
    volume *v = &c->vol;
    int err = volume_find(v, &c->disk, &spec, path, open_file);
    if (v->entry && !c->spec)
        snprintf(c->where, sizeof(c->where), "%s@%" PRIu32, c->image_path, v->entry->index);
    if (!err)
        return 0;
    if (!v->has_table && !v->whole_disk) {
        if (err == VB_EFORMAT)
            tool_error(args->image, VB_ENOTFOUND, "the disk has no partition table");
        else
            tool_error(args->image, err, "partition table: %s", v->table.diag.text);
    } else if (v->has_table && !v->entry) {
        report_not_found(c, args, path);
    } else if (v->mounted) {
        tool_error(c->where, err, "%s: %s", path, fs_diag(&v->fs)->text);
    } else if (v->whole_disk) {
        tool_error(args->image, err,
                   "no partition table, and the whole disk holds no filesystem: %s",
                   fs_diag(&v->fs)->text);
    } else {
        const char *detail =
            fs_diag(&v->fs)->err ? fs_diag(&v->fs)->text : vmdk_detail(c->image.disk);
        tool_error(args->image, err, "partition %" PRIu32 ": %s", v->entry->index,
                   err == VB_ERANGE ? "does not fit the disk" : detail);
    }
    return TOOL_EXIT_IMAGE;
}

static void fs_close(fs_ctx *c) {
    tool_image_close(&c->image);
    free(c->image_path);
    free(c);
}

static void print_entry(const tool_args *args, const fs_dirent *d, bool first) {
    if (args->json) {
        printf("%s{\"name\": ", first ? "[" : ",\n");
        tool_json_string(stdout, d->name);
        printf(", \"short_name\": ");
        tool_json_string(stdout, d->short_name);
        printf(", \"dir\": %s, \"symlink\": %s, \"size\": %" PRIu64
               ", \"attributes\": %u, \"mode\": %u}",
               d->is_dir ? "true" : "false", d->is_symlink ? "true" : "false", d->size,
               (unsigned)d->attributes, (unsigned)d->mode);
        return;
    }
    if (d->mode) { /* ext2/3/4: type, permissions, size, name */
        char perms[10];
        for (int i = 0; i < 9; i++)
            perms[i] = (d->mode >> (8 - i)) & 1 ? "rwxrwxrwx"[i] : '-';
        perms[9] = '\0';
        printf("%c%s %12" PRIu64 "  %s%s\n",
               d->is_dir       ? 'd'
               : d->is_symlink ? 'l'
                               : '-',
               perms, d->size, d->name, d->is_dir ? "/" : "");
        return;
    }
    char attrs[5] = {d->attributes & FAT_ATTR_READ_ONLY ? 'r' : '-',
                     d->attributes & FAT_ATTR_HIDDEN ? 'h' : '-',
                     d->attributes & FAT_ATTR_SYSTEM ? 's' : '-',
                     d->attributes & FAT_ATTR_ARCHIVE ? 'a' : '-', '\0'};
    printf("%c%s %12" PRIu64 "  %-12s  %s%s\n", d->is_dir ? 'd' : '-', attrs, d->size,
           d->short_name, d->name, d->is_dir ? "/" : "");
}

int tool_cmd_ls(const tool_args *args) {
    fs_ctx *c = calloc(1, sizeof(*c));
    if (!c) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        return TOOL_EXIT_IMAGE;
    }
    /* Without PATH: the root of the first filesystem that mounts. */
    const char *path = args->extra_count > 0 ? args->extra[0] : NULL;
    int status = fs_open(c, args, path, false);
    if (status) {
        fs_close(c);
        return status;
    }
    if (!path)
        path = "/";
    fs_dirent ent;
    int err = fs_stat(&c->vol.fs, path, &ent);
    bool first = true;
    if (!err && !ent.is_dir) {
        print_entry(args, &ent, true);
        first = false;
    } else if (!err) {
        static fs_dir dir;
        err = fs_opendir(&c->vol.fs, path, &dir);
        while (!err) {
            int r = fs_readdir(&dir, &ent);
            if (r <= 0) {
                err = r;
                break;
            }
            print_entry(args, &ent, first);
            first = false;
        }
    }
    if (args->json && !err)
        fputs(first ? "[]\n" : "]\n", stdout);
    if (err) {
        tool_error(c->where, err, "%s: %s", path, fs_diag(&c->vol.fs)->text);
        status = TOOL_EXIT_IMAGE;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        status = TOOL_EXIT_IMAGE;
    fs_close(c);
    return status;
}

int tool_cmd_get(const tool_args *args) {
    fs_ctx *c = calloc(1, sizeof(*c));
    if (!c) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        return TOOL_EXIT_IMAGE;
    }
    const char *path = args->extra[0];
    int status = fs_open(c, args, path, true);
    if (status) {
        fs_close(c);
        return status;
    }
    const vb_source src = c->vol.file_src;
    int err;
    void *buf = malloc(GET_CHUNK);
    if (!buf) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        fs_close(c);
        return TOOL_EXIT_IMAGE;
    }
    for (uint64_t off = 0; off < src.size;) {
        size_t want = src.size - off < GET_CHUNK ? (size_t)(src.size - off) : GET_CHUNK;
        err = vb_source_read(&src, off, buf, want);
        if (err) {
            const char *detail =
                fs_diag(&c->vol.fs)->err ? fs_diag(&c->vol.fs)->text : vmdk_detail(c->image.disk);
            tool_error(c->where, err, "%s: at byte %" PRIu64 ": %s", path, off, detail);
            status = TOOL_EXIT_IMAGE;
            break;
        }
        if (tool_write_stdout(buf, want) < 0) {
            status = TOOL_EXIT_IMAGE;
            break;
        }
        off += want;
    }
    free(buf);
    fs_close(c);
    return status;
}
