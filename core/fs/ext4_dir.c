/* ext4_dir.c: ext2/3/4 directories (linear entries, also of htree and
 * inline directories), path resolution with symlinks, and the public
 * lookup/opendir/readdir/stat calls.
 *
 * Trusts nothing: every entry's record length must be a multiple of 4, at
 * least 12, hold its name and stay inside its block (or inline area);
 * directories must have no holes and at most VB_EXT4_DIR_BYTES_MAX bytes;
 * symlink targets must be non-empty, NUL-free and fit VB_EXT4_PATH_MAX
 * with the rest of the path, and at most VB_EXT4_SYMLINKS_MAX are followed
 * per lookup. htree index blocks look like blocks holding one empty entry,
 * so reading every block in order sees each name once. */
#include "fs/ext4_impl.h"
#include "lib/util.h"

#define DIRENT_HEADER   8  /* inode u32, rec_len u16, name_len u8, file_type u8 */
#define DIRENT_MIN      12 /* smallest record: header and a 1..4-byte name */
#define DIRENT_MAX      (DIRENT_HEADER + 255)
#define INLINE_DIR_HEAD 4 /* inline directories start with the parent's inode number */
#define EXT4_MAX_REC    65535

VB_STATIC_ASSERT(VB_EXT4_DIR_WINDOW >= DIRENT_MAX, "the window holds the largest entry");
VB_STATIC_ASSERT(VB_EXT4_NAME_MAX >= 256, "names are up to 255 bytes");
VB_STATIC_ASSERT(VB_EXT4_PATH_MAX >= 2, "room for a path");

static int dir_init(ext4_fs *fs, const ext4_inode *inode, ext4_dir *d) {
    int r = ext4_check_plain(fs, inode, "directory");
    if (r)
        return r;
    vb_memset(d, 0, offsetof(ext4_dir, win));
    r = ext4_file_init(fs, inode, &d->file);
    if (r)
        return r;
    bool is_inline = inode->flags & EXT4_INLINE_DATA_FL;
    if (!is_inline && (inode->size & (fs->block_size - 1)) != 0)
        return vb_fail(&fs->diag, VB_ECORRUPT, "directory inode %u: size %llu is not whole blocks",
                       inode->ino, (unsigned long long)inode->size);
    if (inode->size > VB_EXT4_DIR_BYTES_MAX)
        return vb_fail(&fs->diag, VB_ELIMIT, "directory inode %u: %llu bytes (at most %u)",
                       inode->ino, (unsigned long long)inode->size, VB_EXT4_DIR_BYTES_MAX);
    d->offset = is_inline ? INLINE_DIR_HEAD : 0;
    return 0;
}

/* The end of the block (or inline area) holding d->offset. */
static uint64_t dir_seg_end(const ext4_dir *d) {
    const ext4_file *f = &d->file;
    if (f->inode_flags & EXT4_INLINE_DATA_FL)
        return d->offset < EXT4_I_BLOCK_BYTES ? VB_MIN(f->size, (uint64_t)EXT4_I_BLOCK_BYTES)
                                              : f->size;
    uint64_t mask = f->fs->block_size - 1;
    return (d->offset & ~mask) + f->fs->block_size;
}

/* Reads the next used entry. Returns 1 with its inode, type and name (in
 * the window, valid until the next call), 0 at the end, or an error. */
static int dir_next(ext4_dir *d, uint32_t *ret_ino, const uint8_t **ret_name, uint32_t *ret_len) {
    ext4_fs *fs = d->file.fs;
    bool filetype = fs->feature_incompat & EXT4_INCOMPAT_FILETYPE;
    while (d->offset < d->file.size) {
        if (d->offset >= d->seg_end)
            d->seg_end = dir_seg_end(d);
        uint64_t room = d->seg_end - d->offset;
        if (room < DIRENT_HEADER)
            return vb_fail(&fs->diag, VB_ECORRUPT,
                           "directory inode %u: entry at byte %llu crosses the block end",
                           d->file.ino, (unsigned long long)d->offset);
        uint64_t need = VB_MIN(room, (uint64_t)DIRENT_MAX);
        if (d->offset < d->win_start || d->offset + need > d->win_start + d->win_len) {
            uint32_t len = (uint32_t)VB_MIN(room, (uint64_t)VB_EXT4_DIR_WINDOW);
            d->win_len = 0;
            int r = ext4_file_read(&d->file, d->offset, d->win, len, false);
            if (r)
                return r;
            d->win_start = d->offset;
            d->win_len = len;
        }
        const uint8_t *p = d->win + (d->offset - d->win_start);
        uint32_t ino = vb_le32(p);
        uint32_t rec_len = vb_le16(p + 4);
        uint32_t name_len = filetype ? p[6] : vb_le16(p + 6);
        if (fs->block_size == 65536) /* 64 KiB blocks encode lengths in 16 bits */
            rec_len = (rec_len == EXT4_MAX_REC || rec_len == 0)
                          ? 65536
                          : (rec_len & 65532) | ((rec_len & 3) << 16);
        if (rec_len < DIRENT_MIN || rec_len % 4 != 0 || rec_len > room || name_len > 255 ||
            DIRENT_HEADER + name_len > rec_len || (ino != 0 && name_len == 0))
            return vb_fail(
                &fs->diag, VB_ECORRUPT,
                "directory inode %u: bad entry at byte %llu (record %u, name %u, room %llu)",
                d->file.ino, (unsigned long long)d->offset, rec_len, name_len,
                (unsigned long long)room);
        d->offset += rec_len;
        if (ino == 0)
            continue;
        *ret_ino = ino;
        *ret_name = p + DIRENT_HEADER;
        *ret_len = name_len;
        return 1;
    }
    return 0;
}

/* Finds name[0..n) in directory dir; sets *ret_ino. *budget counts down
 * the directory bytes the whole lookup may still scan. */
static int dir_find(ext4_fs *fs, const ext4_inode *dir, const char *name, size_t n,
                    uint32_t *ret_ino, uint64_t *budget) {
    if (n == 2 && name[0] == '.' && name[1] == '.' && (dir->flags & EXT4_INLINE_DATA_FL)) {
        *ret_ino = vb_le32(dir->i_block); /* inline directories keep ".." here */
        return 0;
    }
    ext4_dir d;
    int r = dir_init(fs, dir, &d);
    if (r)
        return r;
    if (dir->size > *budget)
        return vb_fail(&fs->diag, VB_ELIMIT, "lookup scans more than %llu bytes of directories",
                       (unsigned long long)fs->lookup_scan_max);
    *budget -= dir->size;
    uint32_t ino, len;
    const uint8_t *entry;
    while ((r = dir_next(&d, &ino, &entry, &len)) == 1) {
        if (len == n && vb_memcmp(entry, name, n) == 0) {
            *ret_ino = ino;
            return 0;
        }
    }
    if (r < 0)
        return r;
    char shown[VB_EXT4_NAME_MAX];
    vb_memcpy(shown, name, n); /* n <= 255 (resolve) */
    shown[n] = '\0';
    if (dir->flags & EXT4_CASEFOLD_FL)
        return vb_fail(&fs->diag, VB_EUNSUPPORTED,
                       "'%s' not found as spelled in a case-insensitive directory", shown);
    return vb_fail(&fs->diag, VB_ENOTFOUND, "'%s' not found", shown);
}

/* Copies a symlink's target into buf (cap bytes, NUL-terminated). */
static int read_link(ext4_fs *fs, const ext4_inode *link, char *buf, size_t cap) {
    if (link->size == 0)
        return vb_fail(&fs->diag, VB_ECORRUPT, "symlink inode %u has an empty target", link->ino);
    if (link->size >= cap)
        return vb_fail(&fs->diag, VB_ELIMIT, "symlink inode %u: target of %llu bytes (room for %u)",
                       link->ino, (unsigned long long)link->size, (unsigned)(cap - 1));
    int r = ext4_check_plain(fs, link, "symlink");
    if (r)
        return r;
    size_t n = (size_t)link->size;
    /* Fast symlinks keep the target in i_block and own no data blocks
     * (other than an extended-attribute block). */
    uint64_t ea_sectors = link->file_acl ? fs->block_size >> 9 : 0;
    if (!(link->flags & EXT4_INLINE_DATA_FL) && n < EXT4_I_BLOCK_BYTES &&
        link->sectors <= ea_sectors) {
        vb_memcpy(buf, link->i_block, n);
    } else {
        ext4_file f;
        r = ext4_file_init(fs, link, &f);
        if (r)
            return r;
        r = ext4_file_read(&f, 0, buf, n, false);
        if (r)
            return r;
    }
    buf[n] = '\0';
    if (vb_strlen(buf) != n)
        return vb_fail(&fs->diag, VB_ECORRUPT, "symlink inode %u: target holds a NUL byte",
                       link->ino);
    return 0;
}

static int read_root(ext4_fs *fs, ext4_inode *ret) {
    int r = ext4_read_inode(fs, EXT4_ROOT_INO, ret);
    if (r == 0 && ext4_type(ret->mode) != EXT4_S_IFDIR)
        return vb_fail(&fs->diag, VB_ECORRUPT, "root inode is not a directory (mode 0x%x)",
                       ret->mode);
    return r;
}

/* Resolves path from the root into *ret, following symlinks (in the last
 * component only when follow_last). *ret_name gets the last component. */
static int resolve(ext4_fs *fs, const char *path, bool follow_last, ext4_inode *ret,
                   char ret_name[VB_EXT4_NAME_MAX]) {
    char buf[VB_EXT4_PATH_MAX];
    size_t len = vb_strnlen(path, sizeof(buf));
    if (len == sizeof(buf))
        return vb_fail(&fs->diag, VB_ELIMIT, "path longer than %u bytes", VB_EXT4_PATH_MAX - 1);
    vb_memcpy(buf, path, len + 1);
    ext4_inode cur, child;
    int r = read_root(fs, &cur);
    if (r)
        return r;
    ret_name[0] = '\0';
    unsigned links = 0;
    uint64_t budget = fs->lookup_scan_max;
    size_t pos = 0;
    for (;;) {
        while (buf[pos] == '/')
            pos++;
        if (buf[pos] == '\0')
            break;
        size_t start = pos;
        while (buf[pos] && buf[pos] != '/')
            pos++;
        size_t n = pos - start;
        const char *name = buf + start;
        if (ext4_type(cur.mode) != EXT4_S_IFDIR)
            return vb_fail(&fs->diag, VB_ENOTFOUND, "'%s' is not a directory (in '%s')", ret_name,
                           path);
        if (n == 1 && name[0] == '.')
            continue;
        if (n > 255)
            return vb_fail(&fs->diag, VB_ENOTFOUND, "a component of '%s' is longer than 255 bytes",
                           path);
        uint32_t ino = 0;
        r = dir_find(fs, &cur, name, n, &ino, &budget);
        if (r == 0)
            r = ext4_read_inode(fs, ino, &child);
        if (r)
            return r;
        size_t rest_at = pos;
        while (buf[rest_at] == '/')
            rest_at++;
        bool last = buf[rest_at] == '\0';
        if (ext4_type(child.mode) == EXT4_S_IFLNK && (!last || follow_last)) {
            if (++links > VB_EXT4_SYMLINKS_MAX)
                return vb_fail(&fs->diag, VB_ELOOP, "more than %u symlinks in '%s'",
                               VB_EXT4_SYMLINKS_MAX, path);
            /* buf becomes target + rest: park the rest at the end first. */
            size_t rest = len - pos;
            if (child.size + rest + 1 > sizeof(buf))
                return vb_fail(&fs->diag, VB_ELIMIT,
                               "'%s': symlink target of %llu bytes makes the path too long", path,
                               (unsigned long long)child.size);
            char *parked = buf + sizeof(buf) - rest - 1;
            vb_memmove(parked, buf + pos, rest + 1);
            r = read_link(fs, &child, buf, sizeof(buf) - rest - 1);
            if (r)
                return r;
            size_t t = (size_t)child.size;
            vb_memmove(buf + t, parked, rest + 1);
            len = t + rest;
            pos = 0;
            if (buf[0] == '/') {
                r = read_root(fs, &cur);
                if (r)
                    return r;
            }
            continue;
        }
        vb_memcpy(ret_name, name, n);
        ret_name[n] = '\0';
        cur = child;
    }
    if (len > 0 && buf[len - 1] == '/' && ext4_type(cur.mode) != EXT4_S_IFDIR)
        return vb_fail(&fs->diag, VB_ENOTFOUND, "'%s' is not a directory (in '%s')", ret_name,
                       path);
    *ret = cur;
    return 0;
}

static void fill_dirent(const ext4_inode *inode, ext4_dirent *ret) {
    ret->ino = inode->ino;
    ret->mode = inode->mode;
    ret->is_dir = ext4_type(inode->mode) == EXT4_S_IFDIR;
    ret->is_symlink = ext4_type(inode->mode) == EXT4_S_IFLNK;
    ret->size = inode->size;
}

/* ext4_stat and ext4_lstat: resolves path (following a final symlink or
 * not), reads a symlink's target into target when asked, and describes it. */
static int stat_path(ext4_fs *fs, const char *path, bool follow, ext4_dirent *ret, char *target,
                     size_t cap) {
    ext4_inode inode;
    char name[VB_EXT4_NAME_MAX];
    int r = resolve(fs, path, follow, &inode, name);
    if (r)
        return r;
    if (target && ext4_type(inode.mode) == EXT4_S_IFLNK) {
        r = read_link(fs, &inode, target, cap);
        if (r)
            return r;
    }
    vb_memcpy(ret->name, name, sizeof(ret->name));
    fill_dirent(&inode, ret);
    return 0;
}

int ext4_stat(ext4_fs *fs, const char *path, ext4_dirent *ret) {
    return stat_path(fs, path, true, ret, NULL, 0);
}

int ext4_lstat(ext4_fs *fs, const char *path, ext4_dirent *ret, char *target, size_t cap) {
    return stat_path(fs, path, false, ret, target, cap);
}

int ext4_opendir(ext4_fs *fs, const char *path, ext4_dir *dir) {
    ext4_inode inode;
    char name[VB_EXT4_NAME_MAX];
    int r = resolve(fs, path, true, &inode, name);
    if (r)
        return r;
    if (ext4_type(inode.mode) != EXT4_S_IFDIR)
        return vb_fail(&fs->diag, VB_EINVAL, "'%s' is not a directory", path);
    return dir_init(fs, &inode, dir);
}

int ext4_readdir(ext4_dir *dir, ext4_dirent *ret) {
    ext4_fs *fs = dir->file.fs;
    uint32_t ino, len;
    const uint8_t *name;
    int r;
    while ((r = dir_next(dir, &ino, &name, &len)) == 1) {
        if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
            continue;
        /* NUL and '/' cannot be in a name; a hostile one shows them as '?'. */
        for (uint32_t i = 0; i < len; i++)
            ret->name[i] = (name[i] == 0 || name[i] == '/') ? '?' : (char)name[i];
        ret->name[len] = '\0';
        ext4_inode inode;
        r = ext4_read_inode(fs, ino, &inode);
        if (r)
            return r;
        fill_dirent(&inode, ret);
        return 1;
    }
    return r;
}

/* The vb_source read callback of a regular file (ctx = ext4_file). */
static int file_source_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    return ext4_file_read(ctx, offset, buf, len, true);
}

int ext4_lookup(ext4_fs *fs, const char *path, ext4_file *file, vb_source *ret_source) {
    ext4_inode inode;
    char name[VB_EXT4_NAME_MAX];
    int r = resolve(fs, path, true, &inode, name);
    if (r)
        return r;
    if (ext4_type(inode.mode) == EXT4_S_IFDIR)
        return vb_fail(&fs->diag, VB_EINVAL, "'%s' is a directory", path);
    if (ext4_type(inode.mode) != EXT4_S_IFREG)
        return vb_fail(&fs->diag, VB_EINVAL, "'%s' is not a regular file (mode 0x%x)", path,
                       inode.mode);
    r = ext4_check_plain(fs, &inode, path);
    if (r)
        return r;
    ext4_file f;
    r = ext4_file_init(fs, &inode, &f);
    if (r)
        return r;
    *file = f;
    *ret_source = (vb_source){.ctx = file, .size = file->size, .read = file_source_read};
    return 0;
}
