/* convert.c: `vmdk convert`: a raw image or any VMDK chain (flattened)
 * into a new disk of any kind core's writer makes. The source is read in
 * grain-aligned 1 MiB chunks; runs vmdk_map reports as holes or zeros are
 * skipped without reading, and grains that read as zeros are not stored.
 * -t streamOptimized goes to tool_convert_stream (convert_stream.c), which
 * opens SRC itself. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/util.h"
#include "vmdk/vmdk_writer.h"
#include "vmdk_tool.h"

#define GRAIN_BYTES   (64u * 1024u) /* the writer's grain; zero grains are skipped */
#define CONVERT_CHUNK (1024u * 1024u)

static bool is_zero(const uint8_t *p, size_t n) {
    return p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

typedef struct progress {
    bool on;
    uint64_t total;
    int shown; /* percent last printed, -1 for none */
} progress;

static void progress_show(progress *p, uint64_t done) {
    if (!p->on)
        return;
    int percent = p->total ? (int)(done * 100 / p->total) : 100;
    if (percent != p->shown) {
        fprintf(stderr, "\rvmdk: convert: %3d%%", percent);
        fflush(stderr);
        p->shown = percent;
    }
}

/* The first offset from pos on that may hold data: past the whole grains
 * of a hole or zero run that vmdk_map reports at pos (pos itself when it
 * holds data, or the run ends inside pos's grain). */
static int skip_empty(tool_input *in, uint64_t pos, uint64_t *ret_next) {
    *ret_next = pos;
    if (!in->image.disk)
        return 0;
    vmdk_run run;
    int err = vmdk_map(in->image.disk, pos, &run);
    if (err) {
        tool_error(in->path, err, "%s", vmdk_detail(in->image.disk));
        return err;
    }
    if (run.kind != VMDK_RUN_HOLE && run.kind != VMDK_RUN_ZERO)
        return 0;
    uint64_t end = run.offset + run.length;
    uint64_t next = end >= in->capacity ? in->capacity : end - end % GRAIN_BYTES;
    if (next > pos)
        *ret_next = next;
    return 0;
}

/* Puts the runs of non-zero grains of buf (the disk's bytes at pos). */
static int put_chunk(vmdk_writer *w, uint64_t pos, const uint8_t *buf, size_t len) {
    size_t o = 0;
    while (o < len) {
        size_t grain = VB_MIN((size_t)GRAIN_BYTES, len - o);
        if (is_zero(buf + o, grain)) {
            o += grain;
            continue;
        }
        size_t start = o;
        o += grain;
        while (o < len) {
            grain = VB_MIN((size_t)GRAIN_BYTES, len - o);
            if (is_zero(buf + o, grain))
                break;
            o += grain;
        }
        int err = vmdk_writer_put(w, pos + start, buf + start, o - start);
        if (err)
            return err;
    }
    return 0;
}

/* Copies the whole input into the writer. Returns 0, a vb_err after the
 * input printed its error (*ret_input_failed), or the writer's vb_err. */
static int copy_data(tool_input *in, vmdk_writer *w, uint8_t *buf, progress *prog,
                     bool *ret_input_failed) {
    uint64_t pos = 0, cap = in->capacity;
    *ret_input_failed = true;
    while (pos < cap) {
        uint64_t next;
        int err = skip_empty(in, pos, &next);
        if (err)
            return err;
        if (next > pos) {
            pos = next;
            progress_show(prog, pos);
            continue;
        }
        uint64_t end = VB_MIN(cap, pos - pos % CONVERT_CHUNK + CONVERT_CHUNK);
        size_t len = (size_t)(end - pos);
        err = tool_input_read(in, pos, buf, len);
        if (err)
            return err;
        *ret_input_failed = false;
        err = put_chunk(w, pos, buf, len);
        if (err)
            return err;
        *ret_input_failed = true;
        pos = end;
        progress_show(prog, pos);
    }
    *ret_input_failed = false;
    return 0;
}

/* SRC's own files: --force must never truncate what it reads. */
static void protect_source(tool_sinks *sinks, const tool_input *in) {
    tool_sinks_protect(sinks, in->path);
    const vmdk_disk *disk = in->image.disk;
    if (!disk)
        return;
    char path[8192];
    for (unsigned i = 0; i < disk->link_count + disk->extent_count; i++) {
        const char *p =
            i < disk->link_count ? disk->links[i].path : disk->extents[i - disk->link_count].path;
        if (!p)
            continue;
        snprintf(path, sizeof(path), "%s%s%s", p[0] == '/' ? "" : in->image.folder.folder,
                 p[0] == '/' ? "" : "/", p);
        tool_sinks_protect(sinks, path);
    }
}

static int convert(const tool_args *args, tool_input *in, vmdk_create_type type) {
    const char *dst = args->extra[0];
    vmdk_writer_params params = {type, in->capacity, host_basename(dst), 0, VMDK_CID_NONE, NULL};
    if (!*params.top_name)
        return tool_usage_error("convert: DST '%s' names a folder, not a file", dst);
    if (getentropy(&params.cid, sizeof(params.cid)) != 0 || params.cid == VMDK_CID_NONE)
        params.cid = (uint32_t)getpid() * 2654435761u;
    vmdk_writer *w = malloc(sizeof(*w));
    uint8_t *buf = malloc(CONVERT_CHUNK);
    if (!w || !buf) {
        free(w);
        free(buf);
        tool_error(dst, VB_ELIMIT, "out of memory");
        return TOOL_EXIT_IMAGE;
    }
    tool_sinks sinks;
    tool_sinks_init(&sinks, dst, args->force);
    protect_source(&sinks, in);
    progress prog = {args->progress > 0 || (args->progress < 0 && isatty(STDERR_FILENO)),
                     in->capacity, -1};
    bool input_failed = false;
    int err = vmdk_writer_begin(w, &params, &sinks.opener);
    if (!err) {
        progress_show(&prog, 0);
        err = copy_data(in, w, buf, &prog, &input_failed);
    }
    if (!err)
        err = vmdk_writer_finish(w);
    if (prog.on && prog.shown >= 0)
        fputc('\n', stderr);
    int status = TOOL_EXIT_OK;
    if (err) {
        vmdk_writer_abort(w);
        if (!input_failed)
            tool_sinks_error(&sinks, dst, err, vmdk_writer_detail(w));
        tool_sinks_remove(&sinks);
        status = TOOL_EXIT_IMAGE;
    }
    tool_sinks_free(&sinks);
    free(buf);
    free(w);
    return status;
}

int tool_cmd_convert(const tool_args *args) {
    vmdk_create_type type = VMDK_CREATE_MONOLITHIC_SPARSE;
    bool stream = args->type && vb_str_ieq(args->type, "streamOptimized");
    if (args->parent)
        return tool_usage_error("convert: --parent only applies to create");
    if (!stream && tool_create_type(args->type, true, &type))
        return TOOL_EXIT_USAGE;
    if (!stream && args->level >= 0)
        return tool_usage_error("convert: --level only applies to -t streamOptimized");
    if (stream) { /* the streamOptimized writer opens SRC itself (convert_stream.c) */
        if (args->format && strcmp(args->format, "raw") != 0 && strcmp(args->format, "vmdk") != 0)
            return tool_usage_error("-f: unknown format '%s' (raw or vmdk)", args->format);
        tool_stream_options o = {
            .jobs = args->jobs,
            .level = args->level < 0 ? 6 : args->level,
            .force = args->force,
            .progress = args->progress > 0 || (args->progress < 0 && isatty(STDERR_FILENO)),
            .open_options = args->open_options,
        };
        bool raw = args->format && strcmp(args->format, "raw") == 0;
        return tool_convert_stream(args->image, raw, args->extra[0], &o);
    }
    tool_input in;
    int status = tool_input_open(&in, args);
    if (status)
        return status;
    status = convert(args, &in, type);
    tool_input_close(&in);
    return status;
}
