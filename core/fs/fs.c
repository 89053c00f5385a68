/* fs.c: the filesystem dispatch: mount whichever of FAT and ext2/3/4 a
 * source holds, and forward lookups and listings to it. Trusts what the
 * filesystems trust (nothing on disk); adds no parsing of its own. */
#include "fs/fs.h"
#include "lib/util.h"

int fs_mount(fs_volume *vol, const vb_source *src) {
    vb_diag fat_diag, ext_diag;
    vol->kind = FS_KIND_NONE;
    vb_diag_clear(&vol->diag);
    vb_diag_clear(&fat_diag);
    vb_diag_clear(&ext_diag);
    /* Both probes use the union; each failure's detail lives outside it. */
    int fat_err = fat_probe(&vol->u.fat, src, &fat_diag);
    if (fat_err == 0) {
        vol->kind = FS_KIND_FAT;
        return 0;
    }
    int ext_err = ext4_probe(&vol->u.ext4, src, &ext_diag);
    if (ext_err == 0) {
        vol->kind = FS_KIND_EXT4;
        return 0;
    }
    /* Report the filesystem whose signature matched, if one did. */
    if (fat_err != VB_EFORMAT) {
        vol->diag = fat_diag;
        return fat_err;
    }
    if (ext_err != VB_EFORMAT) {
        vol->diag = ext_diag;
        return ext_err;
    }
    return vb_fail(&vol->diag, VB_EFORMAT, "no FAT or ext2/3/4 filesystem (%s; %s)", fat_diag.text,
                   ext_diag.text);
}

const char *fs_kind_name(const fs_volume *vol) {
    switch (vol->kind) {
    case FS_KIND_FAT:
        return fat_type_name(vol->u.fat.type);
    case FS_KIND_EXT4:
        return ext4_kind_name(&vol->u.ext4);
    default:
        return "none";
    }
}

const vb_diag *fs_diag(const fs_volume *vol) {
    switch (vol->kind) {
    case FS_KIND_FAT:
        return &vol->u.fat.diag;
    case FS_KIND_EXT4:
        return &vol->u.ext4.diag;
    default:
        return &vol->diag;
    }
}

static int not_mounted(fs_volume *vol) {
    return vb_fail(&vol->diag, VB_EINVAL, "no filesystem mounted");
}

int fs_lookup(fs_volume *vol, const char *path, fs_file *file, vb_source *ret_source) {
    switch (vol->kind) {
    case FS_KIND_FAT:
        return fat_lookup(&vol->u.fat, path, &file->u.fat, ret_source);
    case FS_KIND_EXT4:
        return ext4_lookup(&vol->u.ext4, path, &file->u.ext4, ret_source);
    default:
        return not_mounted(vol);
    }
}

int fs_opendir(fs_volume *vol, const char *path, fs_dir *dir) {
    dir->vol = vol;
    switch (vol->kind) {
    case FS_KIND_FAT:
        return fat_opendir(&vol->u.fat, path, &dir->u.fat);
    case FS_KIND_EXT4:
        return ext4_opendir(&vol->u.ext4, path, &dir->u.ext4);
    default:
        return not_mounted(vol);
    }
}

/* The fields both filesystems have; the others start empty. */
static void fs_dirent_set(fs_dirent *ret, const char *name, bool is_dir, uint64_t size) {
    vb_strlcpy(ret->name, name, sizeof(ret->name));
    ret->is_dir = is_dir;
    ret->is_symlink = false;
    ret->size = size;
    ret->short_name[0] = '\0';
    ret->attributes = 0;
    ret->mode = 0;
}

static void from_fat(const fat_dirent *e, fs_dirent *ret) {
    fs_dirent_set(ret, e->name, e->is_dir, e->size);
    vb_strlcpy(ret->short_name, e->short_name, sizeof(ret->short_name));
    ret->attributes = e->attributes;
}

static void from_ext4(const ext4_dirent *e, fs_dirent *ret) {
    fs_dirent_set(ret, e->name, e->is_dir, e->is_dir ? 0 : e->size);
    ret->is_symlink = e->is_symlink;
    ret->mode = e->mode;
}

/* An entry as either filesystem returns it; vol->kind says which. */
typedef union native_dirent {
    fat_dirent fat;
    ext4_dirent ext4;
} native_dirent;

static void from_native(fs_kind kind, const native_dirent *e, fs_dirent *ret) {
    if (kind == FS_KIND_FAT)
        from_fat(&e->fat, ret);
    else
        from_ext4(&e->ext4, ret);
}

int fs_readdir(fs_dir *dir, fs_dirent *ret) {
    native_dirent e;
    fs_kind kind = dir->vol->kind;
    int r = kind == FS_KIND_FAT    ? fat_readdir(&dir->u.fat, &e.fat)
            : kind == FS_KIND_EXT4 ? ext4_readdir(&dir->u.ext4, &e.ext4)
                                   : not_mounted(dir->vol);
    if (r == 1)
        from_native(kind, &e, ret);
    return r;
}

int fs_stat(fs_volume *vol, const char *path, fs_dirent *ret) {
    native_dirent e;
    int r = vol->kind == FS_KIND_FAT    ? fat_stat(&vol->u.fat, path, &e.fat)
            : vol->kind == FS_KIND_EXT4 ? ext4_stat(&vol->u.ext4, path, &e.ext4)
                                        : not_mounted(vol);
    if (r == 0)
        from_native(vol->kind, &e, ret);
    return r;
}
