/* host_source.c: pread/pwrite byte sources and the folder opener, which
 * also creates the new files of the writers. */
#include "host_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/error.h"

host_read_stats host_stats;

typedef struct host_file {
    int fd;
    uint64_t size;
    int errnum; /* errno of the first write or flush that failed, or 0 */
} host_file;

int host_errno_to_vb(int errnum) {
    switch (errnum) {
    case 0:
        return 0;
    case ENOENT:
    case ENOTDIR:
        return VB_ENOTFOUND;
    case ENAMETOOLONG:
        return VB_ELIMIT;
    case EINVAL:
        return VB_EINVAL;
    default:
        return VB_EIO;
    }
}

static int host_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    host_file *f = ctx;
    uint8_t *p = buf;
    if (offset > f->size || len > f->size - offset)
        return VB_ERANGE;
    host_stats.calls++;
    host_stats.bytes += len;
    while (len) {
        ssize_t n = pread(f->fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return host_errno_to_vb(errno);
        if (n == 0)
            return VB_ETRUNCATED; /* the file shrank since it was opened */
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

/* Keeps the first errno for host_source_errno; returns its vb_err. */
static int write_failed(host_file *f, int errnum) {
    if (!f->errnum)
        f->errnum = errnum;
    return host_errno_to_vb(errnum);
}

/* pwrite all of buf (short writes and EINTR retried); the file grows
 * when the write ends past its end, and a gap before offset reads as
 * zeros (a hole: POSIX guarantees it). */
static int host_write(void *ctx, uint64_t offset, const void *buf, size_t len) {
    host_file *f = ctx;
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(f->fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return write_failed(f, errno);
        if (n == 0)
            return write_failed(f, ENOSPC);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
        if (offset > f->size)
            f->size = offset;
    }
    return 0;
}

static int host_flush(void *ctx) {
    host_file *f = ctx;
    while (fdatasync(f->fd) < 0) {
        if (errno != EINTR)
            return write_failed(f, errno);
    }
    return 0;
}

int host_source_errno(const vb_source *source) {
    const host_file *f = source->ctx;
    return f ? f->errnum : 0;
}

/* A host file source over fd (whose size is size), for reading or for
 * reading and writing. Closes fd when out of memory. */
static int make_source(int fd, uint64_t size, bool rw, vb_source *ret_source) {
    host_file *f = malloc(sizeof(*f));
    if (!f) {
        close(fd);
        return VB_ELIMIT;
    }
    *f = (host_file){.fd = fd, .size = size};
    *ret_source = (vb_source){.ctx = f, .size = size, .read = host_read};
    if (rw) {
        ret_source->write = host_write;
        ret_source->flush = host_flush;
    }
    return 0;
}

/* Opens path for reading, or for reading and writing (a file that may not
 * be written is VB_EREADONLY). */
static int open_file(const char *path, bool rw, vb_source *ret_source) {
    struct stat st;
    int fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 && rw && (errno == EACCES || errno == EROFS || errno == EPERM))
        return VB_EREADONLY;
    if (fd < 0)
        return host_errno_to_vb(errno);
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return host_errno_to_vb(e);
    }
    uint64_t size = (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        size = end < 0 ? 0 : (uint64_t)end;
    } else if (S_ISDIR(st.st_mode)) {
        close(fd);
        return VB_EINVAL;
    }
    return make_source(fd, size, rw, ret_source);
}

int host_source_open(const char *path, vb_source *ret_source) {
    return open_file(path, false, ret_source);
}

int host_source_open_rw(const char *path, vb_source *ret_source) {
    return open_file(path, true, ret_source);
}

void host_source_close(vb_source *source) {
    host_file *f = source->ctx;
    if (f) {
        close(f->fd);
        free(f);
    }
    source->ctx = NULL;
}

/* path inside the opener's folder (absolute paths as they are). */
static bool full_path(const host_opener *ho, const char *path, char *full, size_t cap) {
    int n = path[0] == '/' ? snprintf(full, cap, "%s", path)
                           : snprintf(full, cap, "%s/%s", ho->folder, path);
    return n >= 0 && (size_t)n < cap;
}

static int opener_open_file(void *ctx, const char *path, bool rw, vb_source *ret_source) {
    char full[8192];
    if (!full_path(ctx, path, full, sizeof(full)))
        return VB_ELIMIT;
    return open_file(full, rw, ret_source);
}

/* A new file: O_EXCL, or O_TRUNC when the opener may overwrite. The errno
 * of a failure stays in ho->errnum for the tool's messages. */
static int opener_create(void *ctx, const char *path, vb_source *ret_source) {
    host_opener *ho = ctx;
    char full[8192];
    ho->errnum = 0;
    if (!full_path(ho, path, full, sizeof(full))) {
        ho->errnum = ENAMETOOLONG;
        return VB_ELIMIT;
    }
    int flags = O_RDWR | O_CREAT | O_CLOEXEC | (ho->overwrite ? O_TRUNC : O_EXCL);
    int fd = open(full, flags, (mode_t)ho->mode);
    if (fd < 0) {
        ho->errnum = errno;
        return errno == EEXIST ? VB_EEXIST : host_errno_to_vb(errno);
    }
    return make_source(fd, 0, true, ret_source);
}

static int opener_open(void *ctx, const char *path, vb_source *ret_source) {
    return opener_open_file(ctx, path, false, ret_source);
}

static int opener_open_rw(void *ctx, const char *path, vb_source *ret_source) {
    return opener_open_file(ctx, path, true, ret_source);
}

static void opener_close(void *ctx, vb_source *source) {
    (void)ctx;
    host_source_close(source);
}

const char *host_basename(const char *file_path) {
    const char *slash = strrchr(file_path, '/');
    return slash ? slash + 1 : file_path;
}

void host_opener_init(host_opener *ho, const char *file_path, vb_opener *ret_opener) {
    const char *base = host_basename(file_path);
    size_t dir_len = (size_t)(base - file_path);
    if (dir_len == 0) {
        strcpy(ho->folder, ".");
    } else {
        if (dir_len > 1)
            dir_len--; /* drop the trailing '/' but keep a lone "/" */
        if (dir_len >= sizeof(ho->folder))
            dir_len = sizeof(ho->folder) - 1;
        memcpy(ho->folder, file_path, dir_len);
        ho->folder[dir_len] = '\0';
    }
    ho->overwrite = false;
    ho->mode = 0666;
    ho->errnum = 0;
    *ret_opener = (vb_opener){.ctx = ho,
                              .open = opener_open,
                              .open_rw = opener_open_rw,
                              .create = opener_create,
                              .close = opener_close};
}
