/* create.c: `vmdk create`: a new, empty disk of any kind core's writer
 * makes, or a delta link (monolithicSparse) over an existing disk whose
 * parentFileNameHint is BASE relative to the new link's folder. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "vmdk/vmdk_writer.h"
#include "vmdk_tool.h"

/* A random CID, never 0xffffffff (that means "no parent" in parentCID). */
static uint32_t random_cid(void) {
    uint32_t cid = 0;
    while (getrandom(&cid, sizeof(cid), 0) != sizeof(cid) || cid == VMDK_CID_NONE)
        ;
    return cid;
}

/* The folder of path, resolved (realpath of "." when it has none). */
static bool real_folder(const char *path, char out[PATH_MAX]) {
    char dir[PATH_MAX];
    const char *base = host_basename(path);
    size_t len = (size_t)(base - path);
    if (len >= sizeof(dir))
        return false;
    if (len == 0)
        strcpy(dir, ".");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)len, path);
    return realpath(dir, out) != NULL;
}

/* parentFileNameHint: BASE relative to the folder of IMAGE ("../b/base.vmdk"). */
static bool relative_hint(const char *image, const char *base, char *out, size_t cap) {
    char from[PATH_MAX], to[PATH_MAX];
    if (!real_folder(image, from) || !real_folder(base, to))
        return false;
    /* Common leading components of two absolute paths. */
    size_t common = 0, i = 0;
    for (;; i++) {
        bool end_from = from[i] == '\0' || from[i] == '/';
        bool end_to = to[i] == '\0' || to[i] == '/';
        if (end_from && end_to)
            common = i;
        if (from[i] != to[i] || from[i] == '\0')
            break;
    }
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && used + 3 < cap) {
            memcpy(out + used, "../", 3);
            used += 3;
            out[used] = '\0';
        }
    const char *rest = to + common + (to[common] == '/');
    int n = snprintf(out + used, cap - used, "%s%s%s", rest, *rest ? "/" : "", host_basename(base));
    return n > 0 && (size_t)n < cap - used;
}

/* Runs the writer with no data: a new empty disk. */
static int write_empty(const tool_args *args, vmdk_writer_params *params) {
    tool_sinks sinks;
    int status = TOOL_EXIT_OK;
    vmdk_writer *w = malloc(sizeof(*w));
    if (!w) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        return TOOL_EXIT_IMAGE;
    }
    tool_sinks_init(&sinks, args->image, args->force);
    params->top_name = host_basename(args->image);
    int err = vmdk_writer_begin(w, params, &sinks.opener);
    if (!err)
        err = vmdk_writer_finish(w);
    if (err) {
        vmdk_writer_abort(w);
        tool_sinks_error(&sinks, args->image, err, vmdk_writer_detail(w));
        tool_sinks_remove(&sinks);
        status = TOOL_EXIT_IMAGE;
    }
    tool_sinks_free(&sinks);
    free(w);
    return status;
}

int tool_create_type(const char *name, bool stream, vmdk_create_type *ret) {
    *ret = VMDK_CREATE_MONOLITHIC_SPARSE;
    if (name && !vmdk_layout_type_find(name, ret))
        return tool_usage_error("-t: unknown disk type '%s' (monolithicSparse, "
                                "twoGbMaxExtentSparse, monolithicFlat, twoGbMaxExtentFlat%s)",
                                name, stream ? ", streamOptimized" : "");
    return 0;
}

int tool_cmd_create(const tool_args *args) {
    vmdk_writer_params params = {0};
    if (args->format || args->progress >= 0 || args->jobs || args->level >= 0)
        return tool_usage_error("create: -f, -p, -q, -j and --level only apply to convert");
    if (tool_create_type(args->type, false, &params.type))
        return TOOL_EXIT_USAGE;
    params.cid = random_cid();
    params.parent_cid = VMDK_CID_NONE;
    if (!*host_basename(args->image))
        return tool_usage_error("create: IMAGE '%s' names a folder, not a file", args->image);
    if (!args->parent) {
        if (args->extra_count != 1)
            return tool_usage_error("create: no SIZE given");
        if (!tool_parse_bytes(args->extra[0], &params.capacity))
            return tool_usage_error("create: SIZE: not a byte count: '%s'", args->extra[0]);
        if (params.capacity == 0)
            return tool_usage_error("create: SIZE must be at least one byte");
        /* Rounded up to a sector, as qemu-img does. */
        if (params.capacity % 512 &&
            __builtin_add_overflow(params.capacity, 512 - params.capacity % 512, &params.capacity))
            return tool_usage_error("create: SIZE too large: '%s'", args->extra[0]);
        return write_empty(args, &params);
    }
    if (args->extra_count != 0)
        return tool_usage_error("create --parent: the size is BASE's; no SIZE");
    if (params.type != VMDK_CREATE_MONOLITHIC_SPARSE)
        return tool_usage_error("create --parent: a delta link is monolithicSparse");
    tool_args base_args = *args;
    base_args.image = args->parent;
    tool_image base;
    int status = tool_image_open(&base, &base_args);
    if (status)
        return status;
    params.capacity = base.capacity;
    params.parent_cid = base.disk->links[0].cid;
    tool_image_close(&base);
    char hint[VB_PATH_MAX];
    if (!relative_hint(args->image, args->parent, hint, sizeof(hint))) {
        tool_error(args->parent, VB_EPATH, "cannot name it relative to the folder of %s",
                   args->image);
        return TOOL_EXIT_IMAGE;
    }
    params.parent_hint = hint;
    return write_empty(args, &params);
}
