/* cat.c: `vmdk cat`: the virtual disk's bytes to stdout, fast. Reads are
 * large and aligned to the chunk size so core/ can batch contiguous grains
 * into few platform reads; each chunk goes to stdout with write(2). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmdk_tool.h"

/* 1 MiB: a multiple of every grain size up to VB_GRAIN_BYTES_MAX (so reads
 * stay grain-aligned), large enough that per-call overhead vanishes (about
 * one platform read per MiB), small enough that the buffer is still in the
 * CPU cache when write(2) copies it into the pipe: 4 MiB was measurably
 * slower (make bench). */
#define CAT_CHUNK (1024u * 1024u)

/* A bigger pipe buffer means fewer context switches per MiB when stdout is
 * a pipe; failure (not a pipe, or over the user limit) is harmless. */
static void grow_pipe(int fd) {
#ifdef F_SETPIPE_SZ
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
        (void)fcntl(fd, F_SETPIPE_SZ, 1024 * 1024);
#else
    (void)fd;
#endif
}

int tool_cmd_cat(const tool_args *args) {
    tool_image image;
    int status = tool_image_open(&image, args);
    if (status)
        return status;
    uint64_t capacity = image.capacity;
    uint64_t offset = args->has_offset ? args->offset : 0;
    if (offset > capacity) {
        tool_image_close(&image);
        return tool_usage_error("cat: --offset %llu is past the end of the disk (%llu bytes)",
                                (unsigned long long)offset, (unsigned long long)capacity);
    }
    uint64_t length = args->has_length ? args->length : capacity - offset;
    if (length > capacity - offset) {
        tool_image_close(&image);
        return tool_usage_error("cat: --offset %llu --length %llu reaches past the end of the "
                                "disk (%llu bytes)",
                                (unsigned long long)offset, (unsigned long long)length,
                                (unsigned long long)capacity);
    }
    /* Compressed grains: inflated on every core (cat_stream.c). */
    if (args->jobs != 1 && tool_cat_stream_applies(image.disk)) {
        grow_pipe(STDOUT_FILENO);
        status = tool_cat_stream(&image, args->image, offset, offset + length, args->jobs);
        tool_image_close(&image);
        return status;
    }
    void *buf = NULL;
    if (posix_memalign(&buf, 4096, CAT_CHUNK) != 0) {
        tool_error(args->image, VB_ELIMIT, "out of memory");
        tool_image_close(&image);
        return TOOL_EXIT_IMAGE;
    }
    grow_pipe(STDOUT_FILENO);
    uint64_t end = offset + length;
    while (offset < end) {
        /* Up to the next chunk boundary, so later reads are aligned. */
        uint64_t want = CAT_CHUNK - offset % CAT_CHUNK;
        if (want > end - offset)
            want = end - offset;
        int err = vmdk_read(image.disk, offset, buf, (size_t)want);
        if (err) {
            tool_error(args->image, err, "%s", vmdk_detail(image.disk));
            status = TOOL_EXIT_IMAGE;
            break;
        }
        if (tool_write_stdout(buf, (size_t)want) < 0) {
            status = TOOL_EXIT_IMAGE;
            break;
        }
        offset += want;
    }
    free(buf);
    tool_image_close(&image);
    return status;
}
