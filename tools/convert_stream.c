/* convert_stream.c: `vmdk convert -t streamOptimized`: a raw image or any
 * VMDK the reader opens -> one streamOptimized file in VMware's layout
 * (core/vmdk/vmdk_stream_write.c). Holes and zero runs of the source are
 * skipped without reading them (SEEK_DATA for raw files, vmdk_map for
 * VMDKs); the grains are compressed with libdeflate on worker threads
 * (pipeline.c) and handed to core in order by this thread, which is the
 * only one that calls core. DST is created new (or truncated with force)
 * through tool_sinks (sink.c), as by the other converts, and removed again
 * when anything fails. */
#define _GNU_SOURCE /* SEEK_DATA, SEEK_HOLE */
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pipeline.h"
#include "vmdk/vmdk_stream_write.h"
#include "vmdk_tool.h"

/* ---- output: the new file behind a buffer that only appends ---------- */

#define OUT_BUFFER (4u * 1024 * 1024)

/* The source the stream writer writes through: appends gather in buf and
 * go to the file 4 MiB at a time (fewer, larger writes). */
typedef struct out_file {
    vb_source file; /* DST, made by the host opener's create */
    bool open;
    uint64_t pos; /* bytes accepted so far */
    uint8_t *buf;
    size_t used;
} out_file;

static int out_drain(out_file *o) {
    int r = vb_source_write(&o->file, o->pos - o->used, o->buf, o->used);
    if (r == 0)
        o->used = 0;
    return r;
}

/* Reads see every write: the buffer goes to the file first. */
static int out_read(void *ctx, uint64_t offset, void *buf, size_t len) {
    out_file *o = ctx;
    int r = out_drain(o);
    return r ? r : vb_source_read(&o->file, offset, buf, len);
}

static int out_write(void *ctx, uint64_t offset, const void *buf, size_t len) {
    out_file *o = ctx;
    if (offset != o->pos)
        return VB_ERANGE; /* only appends (the stream writer's only writes) */
    const uint8_t *p = buf;
    while (len) {
        size_t n = len < OUT_BUFFER - o->used ? len : OUT_BUFFER - o->used;
        memcpy(o->buf + o->used, p, n);
        o->used += n;
        o->pos += n;
        p += n;
        len -= n;
        if (o->used == OUT_BUFFER) {
            int r = out_drain(o);
            if (r)
                return r;
        }
    }
    return 0;
}

static int out_flush(void *ctx) {
    out_file *o = ctx;
    int r = out_drain(o);
    return r ? r : vb_source_flush(&o->file);
}

/* ---- input: a raw file or a VMDK -------------------------------------- */

typedef struct stream_src {
    const char *path;
    bool raw;
    int fd;                    /* raw */
    uint64_t size;             /* raw: file bytes; VMDK: capacity */
    uint64_t data_lo, data_hi; /* raw: a known data stretch [lo, hi) */
    bool seek_data;            /* raw: SEEK_DATA works */
    tool_image image;          /* VMDK */
    bool image_open;
    vmdk_run run; /* VMDK: the last run vmdk_map gave */
    bool run_valid;
} stream_src;

static int src_open(stream_src *s, const char *path, bool raw, const vmdk_open_options *options) {
    memset(s, 0, sizeof(*s));
    s->path = path;
    s->raw = raw;
    s->fd = -1;
    if (!raw) {
        tool_args a;
        memset(&a, 0, sizeof(a));
        a.image = path;
        a.open_options = *options;
        if (tool_image_open(&s->image, &a))
            return -1;
        s->image_open = true;
        s->size = s->image.capacity;
        return 0;
    }
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        tool_error(path, host_errno_to_vb(errno), "cannot open: %s", strerror(errno));
        return -1;
    }
    off_t end = lseek(s->fd, 0, SEEK_END);
    if (end < 0) {
        tool_error(path, host_errno_to_vb(errno), "cannot size: %s", strerror(errno));
        return -1;
    }
    s->size = (uint64_t)end;
    s->seek_data = true;
    return 0;
}

static void src_close(stream_src *s) {
    if (s->fd >= 0)
        close(s->fd);
    if (s->image_open)
        tool_image_close(&s->image);
}

/* The first offset >= at that may hold non-zero bytes (`limit` if none
 * before it). An error here only costs the skipping: the read reports it. */
static uint64_t src_next_data(stream_src *s, uint64_t at, uint64_t limit) {
    if (s->raw) {
        if (at >= s->size)
            return limit;
        if (!s->seek_data || (at >= s->data_lo && at < s->data_hi))
            return at;
        off_t d = lseek(s->fd, (off_t)at, SEEK_DATA);
        if (d < 0) {
            if (errno == ENXIO)
                return limit;
            s->seek_data = false;
            return at;
        }
        off_t h = lseek(s->fd, d, SEEK_HOLE);
        s->data_lo = (uint64_t)d;
        s->data_hi = h < 0 ? s->size : (uint64_t)h;
        return (uint64_t)d < limit ? (uint64_t)d : limit;
    }
    while (at < limit) {
        if (!s->run_valid || at < s->run.offset || at - s->run.offset >= s->run.length) {
            if (vmdk_map(s->image.disk, at, &s->run) != 0) {
                s->run_valid = false;
                return at;
            }
            s->run_valid = true;
        }
        if (s->run.kind == VMDK_RUN_DATA || s->run.kind == VMDK_RUN_NOACCESS)
            return at;
        at = s->run.offset + s->run.length;
    }
    return limit;
}

/* Reads len bytes at off; bytes past the end of a raw file read as zeros
 * (its last sector, rounded up). Returns 0 or -1 after the message. */
static int src_read(stream_src *s, uint64_t off, uint8_t *buf, size_t len) {
    if (!s->raw) {
        int err = vmdk_read(s->image.disk, off, buf, len);
        if (err) {
            tool_error(s->path, err, "%s", vmdk_detail(s->image.disk));
            return -1;
        }
        return 0;
    }
    size_t have = off >= s->size ? 0 : (size_t)(s->size - off < len ? s->size - off : len);
    size_t got = 0;
    while (got < have) {
        ssize_t n = pread(s->fd, buf + got, have - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            tool_error(s->path, n < 0 ? host_errno_to_vb(errno) : VB_ETRUNCATED,
                       "read of %zu bytes at offset %llu failed: %s", have - got,
                       (unsigned long long)(off + got), n < 0 ? strerror(errno) : "end of file");
            return -1;
        }
        got += (size_t)n;
    }
    memset(buf + have, 0, len - have);
    return 0;
}

/* ---- compression on the workers --------------------------------------- */

enum { SLOT_GRAIN = 1 };

static bool all_zero(const uint8_t *p, size_t len) {
    static const uint8_t zero[4096];
    for (size_t i = 0; i < len; i += sizeof(zero)) {
        size_t n = len - i < sizeof(zero) ? len - i : sizeof(zero);
        if (memcmp(p + i, zero, n) != 0)
            return false;
    }
    return true;
}

/* thread_ctx: that thread's libdeflate compressor. A zero grain is left
 * alone (core does not store it). */
static void compress_work(void *thread_ctx, tool_slot *slot) {
    if (all_zero(slot->in, slot->in_len)) {
        slot->out_len = 0;
        return;
    }
    slot->out_len = libdeflate_zlib_compress(thread_ctx, slot->in, slot->in_len, slot->out,
                                             VMDK_SWRITE_COMPRESSED_MAX);
    slot->status = slot->out_len ? 0 : VB_ELIMIT;
}

/* The compress callback core calls: the grain being handed over was
 * compressed already; copy the worker's result. */
static int take_compressed(void *ctx, const void *in, size_t in_len, void *out, size_t cap,
                           size_t *ret_len) {
    const tool_slot *slot = *(tool_slot **)ctx;
    if (!slot || in != slot->in || in_len != slot->in_len)
        return VB_EINVAL;
    if (slot->status)
        return slot->status;
    if (slot->out_len == 0 || slot->out_len > cap)
        return VB_ELIMIT;
    memcpy(out, slot->out, slot->out_len);
    *ret_len = slot->out_len;
    return 0;
}

static uint32_t new_cid(void) {
    uint32_t cid = 0;
    if (getentropy(&cid, sizeof(cid)) != 0)
        cid = (uint32_t)time(NULL) ^ (uint32_t)getpid() * 2654435761u;
    /* ffffffff means "no parent" in parentCID; keep clear of it. */
    return cid == 0xffffffffu ? 0xfffffffeu : cid;
}

int tool_convert_stream(const char *src_path, bool src_raw, const char *dst,
                        const tool_stream_options *options) {
    unsigned jobs = options->jobs ? options->jobs : tool_cpu_count();
    int level = options->level;
    int status = TOOL_EXIT_IMAGE;
    if (level < 0 || level > 12)
        return tool_usage_error("convert: --level %d: must be 0 to 12", level);
    stream_src src;
    if (src_open(&src, src_path, src_raw, &options->open_options)) {
        src_close(&src);
        return TOOL_EXIT_IMAGE;
    }
    uint64_t capacity = src.size / 512 + (src.size % 512 != 0);
    if (capacity == 0) {
        tool_error(src_path, VB_EINVAL, "empty source: nothing to convert");
        src_close(&src);
        return TOOL_EXIT_IMAGE;
    }

    vmdk_stream_writer *w = calloc(1, sizeof(*w));
    uint64_t gd_count = vmdk_swrite_gd_entries(capacity);
    uint32_t *gd = calloc(gd_count ? gd_count : 1, sizeof(uint32_t));
    struct libdeflate_compressor **comp = calloc(jobs, sizeof(*comp));
    out_file out = {.buf = malloc(OUT_BUFFER)};
    vb_source out_src = {&out, 0, out_read, out_write, out_flush};
    tool_pipeline *pipe = NULL;
    tool_sinks sinks;
    tool_sinks_init(&sinks, dst, options->force);
    if (!w || !gd || !comp || !out.buf) {
        tool_error(dst, VB_ELIMIT, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i < jobs; i++)
        if (!(comp[i] = libdeflate_alloc_compressor(level))) {
            tool_error(dst, VB_ELIMIT, "cannot set up the compressor (level %d)", level);
            goto done;
        }
    struct stat sst, dstst;
    if (stat(src_path, &sst) == 0 && stat(dst, &dstst) == 0 && sst.st_dev == dstst.st_dev &&
        sst.st_ino == dstst.st_ino) {
        tool_error(dst, VB_EINVAL, "is SRC itself: convert to another file");
        goto done;
    }
    /* DST is made, refused and removed as by create and the other converts. */
    int cerr = sinks.opener.create(sinks.opener.ctx, host_basename(dst), &out.file);
    if (cerr) {
        tool_sinks_error(&sinks, dst, cerr, vb_err_message(cerr));
        goto done;
    }
    out.open = true;
    /* -j 1: compress on this thread; else one worker per job. */
    pipe = tool_pipeline_start(jobs - 1, VMDK_SWRITE_GRAIN_BYTES, VMDK_SWRITE_COMPRESSED_MAX,
                               compress_work, (void **)comp);
    if (!pipe) {
        tool_error(dst, VB_ELIMIT, "cannot start %u worker threads", jobs);
        goto done;
    }
    tool_slot *current = NULL;
    vmdk_swrite_options wo = {
        .capacity = capacity,
        .cid = new_cid(),
        .extent_name = host_basename(dst),
        .out = &out_src,
        .compress = take_compressed,
        .compress_ctx = &current,
        .gd = gd,
        .gd_count = gd_count,
    };
    int err = vmdk_swrite_begin(w, &wo);
    const uint64_t grains = w->grains;
    uint64_t g = 0, handed = 0, shown = 101;
    while (!err) {
        tool_slot *slot;
        while (g < grains && (slot = tool_pipeline_next(pipe))) {
            uint64_t at = g * VMDK_SWRITE_GRAIN_BYTES;
            uint64_t len = vmdk_swrite_grain_bytes(w, g);
            uint64_t next = src_next_data(&src, at, capacity * 512);
            if (next >= at + len) {
                /* A hole: on to the grain where data starts, if any. */
                g = next >= capacity * 512 ? grains : next / VMDK_SWRITE_GRAIN_BYTES;
                continue;
            }
            if (src_read(&src, at, slot->in, (size_t)len))
                goto done;
            slot->in_len = (size_t)len;
            slot->offset = g++;
            slot->kind = SLOT_GRAIN;
            tool_pipeline_submit(pipe, slot, false);
        }
        if (!(slot = tool_pipeline_oldest(pipe)))
            break;
        current = slot;
        err = vmdk_swrite_grain(w, slot->offset, slot->in, slot->in_len);
        current = NULL;
        tool_pipeline_release(pipe, slot);
        handed = slot->offset + 1;
        if (options->progress && handed * 100 / grains != shown) {
            shown = handed * 100 / grains;
            fprintf(stderr, "\rvmdk: convert: %3u%%", (unsigned)shown);
        }
    }
    if (!err)
        err = vmdk_swrite_finish(w);
    if (options->progress)
        fprintf(stderr, err ? "\n" : "\rvmdk: convert: 100%%\n");
    if (err) {
        int e = out.open ? host_source_errno(&out.file) : 0;
        tool_error(dst, err, "%s%s%s", vmdk_swrite_detail(w), e ? ": " : "", e ? strerror(e) : "");
        goto done;
    }
    status = TOOL_EXIT_OK;
done:
    tool_pipeline_stop(pipe);
    if (out.open)
        sinks.opener.close(sinks.opener.ctx, &out.file);
    if (status != TOOL_EXIT_OK)
        tool_sinks_remove(&sinks); /* nothing half-written stays behind */
    tool_sinks_free(&sinks);
    if (comp)
        for (unsigned i = 0; i < jobs; i++)
            libdeflate_free_compressor(comp[i]);
    free(comp);
    free(out.buf);
    free(gd);
    free(w);
    src_close(&src);
    return status;
}
