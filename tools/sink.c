/* sink.c: the opener core's writer of new disks creates its files with:
 * the host opener's create (platform/host: pwrite, fdatasync) next to the
 * disk's top file, after refusing to overwrite what convert reads. Every
 * file created is remembered, so a failed create or convert leaves
 * nothing behind. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmdk_tool.h"

/* A file by identity (device and inode), whatever its name. */
struct tool_sink_id {
    dev_t dev;
    ino_t ino;
};

static bool remember(tool_sinks *s, const char *path) {
    if (s->created_count == s->created_cap) {
        size_t cap = s->created_cap ? s->created_cap * 2 : 8;
        char **grown = realloc(s->created, cap * sizeof(*grown));
        if (!grown)
            return false;
        s->created = grown;
        s->created_cap = cap;
    }
    s->created[s->created_count] = strdup(path);
    return s->created[s->created_count++] != NULL;
}

static int sink_create(void *ctx, const char *name, vb_source *ret_source) {
    tool_sinks *s = ctx;
    char path[sizeof(s->folder) + VB_PATH_MAX];
    snprintf(path, sizeof(path), "%s%s", s->folder, name);
    struct stat st;
    if (s->force && stat(path, &st) == 0) {
        for (size_t i = 0; i < s->protect_count; i++) {
            if (s->protect[i].dev == st.st_dev && s->protect[i].ino == st.st_ino) {
                s->create_errno = EBUSY;
                snprintf(s->create_path, sizeof(s->create_path), "%s", path);
                return VB_EINVAL;
            }
        }
    }
    int err = s->host_ops.create(s->host_ops.ctx, name, ret_source);
    if (err) {
        s->create_errno = s->host.errnum;
        snprintf(s->create_path, sizeof(s->create_path), "%s", path);
        return err;
    }
    if (!remember(s, path)) {
        host_source_close(ret_source);
        unlink(path);
        return VB_ELIMIT;
    }
    return 0;
}

static void sink_close(void *ctx, vb_source *source) {
    (void)ctx;
    host_source_close(source);
}

void tool_sinks_init(tool_sinks *s, const char *top_path, bool force) {
    memset(s, 0, sizeof(*s));
    s->force = force;
    const char *base = host_basename(top_path);
    size_t dir_len = (size_t)(base - top_path);
    /* The folder keeps its '/', so a file's path is the folder plus its name. */
    snprintf(s->folder, sizeof(s->folder), "%.*s", (int)dir_len, top_path);
    host_opener_init(&s->host, top_path, &s->host_ops);
    s->host.overwrite = force;
    s->opener = (vb_opener){.ctx = s, .create = sink_create, .close = sink_close};
}

void tool_sinks_error(const tool_sinks *s, const char *top_path, int err, const char *detail) {
    if (!s->create_errno) {
        tool_error(top_path, err, "%s", detail);
        return;
    }
    const char *path = s->create_path;
    if (s->create_errno == EEXIST)
        tool_error(path, VB_EINVAL, "already exists (--force overwrites it)");
    else if (s->create_errno == EBUSY)
        tool_error(path, VB_EINVAL, "is the source being converted: not overwritten");
    else
        tool_error(path, err, "cannot create: %s", strerror(s->create_errno));
}

void tool_sinks_protect(tool_sinks *s, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (s->protect_count == s->protect_cap) {
        size_t cap = s->protect_cap ? s->protect_cap * 2 : 8;
        struct tool_sink_id *grown = realloc(s->protect, cap * sizeof(*grown));
        if (!grown)
            return;
        s->protect = grown;
        s->protect_cap = cap;
    }
    s->protect[s->protect_count++] = (struct tool_sink_id){st.st_dev, st.st_ino};
}

void tool_sinks_remove(tool_sinks *s) {
    for (size_t i = 0; i < s->created_count; i++)
        unlink(s->created[i]);
}

void tool_sinks_free(tool_sinks *s) {
    for (size_t i = 0; i < s->created_count; i++)
        free(s->created[i]);
    free(s->created);
    free(s->protect);
    s->protect = NULL;
    s->protect_count = s->protect_cap = 0;
    s->created = NULL;
    s->created_count = s->created_cap = 0;
}
